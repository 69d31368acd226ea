/// <reference lib="webworker" />
// The mesh worker: packed mask in, STL bytes, stats and the mesh (for the 3D preview) out.
// It runs core's buildSurface exactly as the CLI does; only the slice source differs.
import { buildSurface, isImageStackError, keepLargestIsland, writeStlAscii, writeStlBinary, type SliceSource } from '@imagestack/core';
import { packedSliceBytes, unpackSlice } from '../mesh/bitMask';
import type { MeshReply, MeshRequest } from '../mesh/protocol';

const post = (reply: MeshReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

function sliceSource(req: MeshRequest): { source: SliceSource; operations: Array<{ op: string; [k: string]: unknown }> } {
  const [columns, rows, slices] = req.dims;
  const perSlice = columns * rows;
  const stride = packedSliceBytes(perSlice);
  if (!req.largestIsland) {
    const buffer = new Uint8Array(perSlice);
    return { source: { dims: req.dims, getSlice: k => unpackSlice(req.packed, k * stride, buffer) }, operations: [] };
  }
  // Island analysis needs the whole mask at once: only then is it unpacked to a volume.
  const voxels = new Uint8Array(perSlice * slices);
  for (let k = 0; k < slices; k++) unpackSlice(req.packed, k * stride, voxels.subarray(k * perSlice, (k + 1) * perSlice));
  const g = req.geometry;
  const kept = keepLargestIsland({ dims: req.dims, spacingMm: [g.pixelSpacingXMm, g.pixelSpacingYMm, g.sliceSpacingMm], voxels });
  return {
    source: { dims: req.dims, getSlice: k => kept.voxels.subarray(k * perSlice, (k + 1) * perSlice) },
    operations: [{ op: 'largest-island', connectivity: 6 }],
  };
}

self.onmessage = (event: MessageEvent<MeshRequest>) => {
  const req = event.data;
  try {
    const { source, operations } = sliceSource(req);
    const result = buildSurface(source, req.geometry, {
      range: [1, 1],
      smoothIterations: req.smoothIterations,
      decimate: req.decimate,
      frame: req.frame,
      onProgress: (fraction, step) => post({ type: 'progress', fraction, step }),
    });
    const stl = req.format === 'ascii' ? new TextEncoder().encode(writeStlAscii(result.mesh, { frame: req.frame })) : writeStlBinary(result.mesh, { frame: req.frame });
    const { positions, triangles } = result.mesh;
    post(
      { type: 'done', stl, stats: result.stats, operations: [...operations, ...result.operations], positions, triangles },
      [stl.buffer, positions.buffer, triangles.buffer],
    );
  } catch (e) {
    post({ type: 'error', message: isImageStackError(e) ? e.userMessage() : `mesh worker failed: ${(e as Error)?.message ?? e}` });
  }
};
