/// <reference lib="webworker" />
// The mesh worker: packed mask in, STL bytes and stats out (the 3D preview loads the same bytes).
// It runs core's buildSurface exactly as the CLI does; only the slice source differs.
import { buildSurface, isImageStackError, writeStlAscii, writeStlBinary, type SliceSource } from '@imagestack/core';
import { packedSliceBytes, unpackSlice } from '../mesh/bitMask';
import type { MeshReply, MeshRequest } from '../mesh/protocol';

const post = (reply: MeshReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

/**
 * The mask, one unpacked slice at a time into a reused buffer. Re-readable, so core's
 * largest-island step works from it without unpacking a volume-sized mask.
 */
function sliceSource(req: MeshRequest): SliceSource {
  const [columns, rows] = req.dims;
  const perSlice = columns * rows;
  const stride = packedSliceBytes(perSlice);
  const buffer = new Uint8Array(perSlice);
  return { dims: req.dims, getSlice: k => unpackSlice(req.packed, k * stride, buffer) };
}

self.onmessage = (event: MessageEvent<MeshRequest>) => {
  const req = event.data;
  try {
    const result = buildSurface(sliceSource(req), req.geometry, {
      range: [1, 1],
      refine: req.largestIsland ? [{ op: 'largestIsland' }] : [],
      smoothIterations: req.smoothIterations,
      decimate: req.decimate,
      frame: req.frame,
      onProgress: (fraction, step) => post({ type: 'progress', fraction, step }),
    });
    const stl = req.format === 'ascii' ? new TextEncoder().encode(writeStlAscii(result.mesh, { frame: req.frame })) : writeStlBinary(result.mesh, { frame: req.frame });
    post({ type: 'done', stl, stats: result.stats, operations: result.operations }, [stl.buffer]);
  } catch (e) {
    post({ type: 'error', message: isImageStackError(e) ? e.userMessage() : `mesh worker failed: ${(e as Error)?.message ?? e}` });
  }
};
