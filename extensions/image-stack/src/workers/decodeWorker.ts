/// <reference lib="webworker" />
// A decode worker of the import: each SliceRequest (its source a File) is read, decoded to
// grey, cropped and downsampled by core's one decode step, and answered with the voxels'
// buffer transferred. Spawned by import/loadStack.ts.
import { serveSliceRequests, setJpegWasmSource } from '@imagestack/core';
import { jpegWasmUrl } from './spawn';

// JPEG slices decode with libjpeg-turbo in WebAssembly, fetched (once) from beside the plugins.
setJpegWasmSource(() => fetch(jpegWasmUrl()));
serveSliceRequests(self as unknown as Parameters<typeof serveSliceRequests>[0]);
