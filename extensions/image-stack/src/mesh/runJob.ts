import { buildSurface, islandCensus, refineSlices, writeStlAscii, writeStlBinary, type SliceSource } from '@imagestack/core';
import { packedSliceBytes, packSlice, unpackSlice } from './bitMask';
import type { JobDone, WorkerJob } from './protocol';

/**
 * The mask, one unpacked slice at a time into a reused buffer. Re-readable, so core's island
 * and morphology steps work from it without unpacking a volume-sized mask.
 */
export function packedSource(dims: [number, number, number], packed: Uint8Array): SliceSource {
  const [columns, rows] = dims;
  const perSlice = columns * rows;
  const stride = packedSliceBytes(perSlice);
  const buffer = new Uint8Array(perSlice);
  return { dims, getSlice: k => unpackSlice(packed, k * stride, buffer) };
}

/** Packs every slice of a 0/1 source (a refine step's output). */
function packSource(source: SliceSource): { packed: Uint8Array; voxels: number } {
  const [columns, rows, slices] = source.dims;
  const stride = packedSliceBytes(columns * rows);
  const packed = new Uint8Array(stride * slices);
  let voxels = 0;
  for (let k = 0; k < slices; k++) voxels += packSlice(source.getSlice(k), 1, 1, packed, k * stride);
  return { packed, voxels };
}

/**
 * Runs one job, as the worker does (and as the unit tests do, without a worker): the same core
 * calls the CLI makes, only the slice source differs. Returns the result and the buffers to
 * transfer back.
 */
export function runJob(job: WorkerJob, onProgress: (fraction: number, step: string) => void = () => undefined): { result: JobDone; transfer: ArrayBuffer[] } {
  const source = packedSource(job.dims, job.packed);
  switch (job.kind) {
    case 'mesh': {
      const built = buildSurface(source, job.geometry, {
        range: [1, 1],
        refine: job.refine,
        smoothIterations: job.smoothIterations,
        decimate: job.decimate,
        frame: job.frame,
        onProgress,
      });
      const stl = job.format === 'ascii' ? new TextEncoder().encode(writeStlAscii(built.mesh, { frame: job.frame })) : writeStlBinary(built.mesh, { frame: job.frame });
      return { result: { kind: 'mesh', stl, stats: built.stats, operations: built.operations }, transfer: [stl.buffer as ArrayBuffer] };
    }
    case 'refine': {
      onProgress(0, job.step.op);
      const out = packSource(refineSlices(source, job.geometry, job.step, { range: [1, 1], onProgress: f => onProgress(0.9 * f, job.step.op) }));
      onProgress(1, job.step.op);
      return { result: { kind: 'refine', packed: out.packed, voxels: out.voxels }, transfer: [out.packed.buffer as ArrayBuffer] };
    }
    case 'census':
      return { result: { kind: 'census', volumesMl: islandCensus(source, job.geometry, { range: [1, 1] }).volumesMl }, transfer: [] };
  }
}
