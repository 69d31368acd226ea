/// <reference lib="webworker" />
// A decode worker of the import: each SliceRequest (its source a File) is read, decoded to
// grey, cropped and downsampled by core's one decode step, and answered with the voxels'
// buffer transferred. Spawned by import/loadStack.ts.
import { serveSliceRequests } from '@imagestack/core';

serveSliceRequests(self as unknown as Parameters<typeof serveSliceRequests>[0]);
