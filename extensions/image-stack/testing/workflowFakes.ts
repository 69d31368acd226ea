// Test helpers for the workflow functions: kept out of src/ so the viewer never bundles them.
import type { StackGeometry } from '@imagestack/core';
import { FitEngine } from '../src/fit/fitEngine';
import type { FitBackend, FitReplyFor, FitRequest } from '../src/fit/fitProtocol';
import { runJob } from '../src/mesh/runJob';
import type { JobRunner } from '../src/mesh/runInWorker';
import type { SegmentationHost, SegmentInfo } from '../src/workflow/segmentationHost';

/** Non-square pixels and a non-zero origin, as every geometry path is tested. */
export const GEOMETRY: StackGeometry = {
  pixelSpacingXMm: 0.5,
  pixelSpacingYMm: 0.8,
  sliceSpacingMm: 1.3,
  originMm: [-12, 30, 7.5],
  orientation: [1, 0, 0, 0, 1, 0],
};

/** An in-memory labelmap with OHIF's segment semantics, recording what the workflow told it. */
export function memoryHost(dims: [number, number, number]) {
  const [columns, rows, slices] = dims;
  let created = false;
  const segments = new Map<number, string>();
  let active: number | undefined;
  const labelmap = Array.from({ length: slices }, () => new Uint8Array(columns * rows));
  const modified: Array<{ slices: number[]; segmentIndex: number }> = [];
  const host: SegmentationHost = {
    findLabelmap: () => (created ? 'seg-1' : undefined),
    async createLabelmap(first: SegmentInfo) {
      created = true;
      segments.set(first.index, first.label);
      active = first.index;
      return 'seg-1';
    },
    segments: () => [...segments].map(([index, label]) => ({ index, label })).sort((a, b) => a.index - b.index),
    activeSegment: () => active,
    addSegment(_id, { index, label }) {
      segments.set(index, label);
      active = index;
    },
    renameSegment(_id, index, label) {
      segments.set(index, label);
    },
    setActiveSegment(_id, index) {
      active = index;
    },
    slices: () => labelmap,
    dataModified(_id, sliceIndices, segmentIndex) {
      modified.push({ slices: sliceIndices, segmentIndex });
    },
  };
  const count = (index: number) => labelmap.reduce((n, s) => n + s.reduce((m, v) => m + (v === index ? 1 : 0), 0), 0);
  return { host, labelmap, modified, count };
}

/** Runs jobs in-process through the worker's own function, structured-cloning as a worker would. */
export const inProcess: JobRunner = async (job, options = {}) => {
  if (options.signal?.aborted) throw Object.assign(new Error('cancelled'), { code: 'cancelled' });
  return structuredClone(runJob(structuredClone(job), options.onProgress).result) as never;
};

/** A ball of radius r (voxels, in index space) centred at c, painted with `value`. */
export function paintBall(labelmap: Uint8Array[], columns: number, c: [number, number, number], r: number, value: number): void {
  labelmap.forEach((slice, k) => {
    for (let j = 0; j < slice.length / columns; j++)
      for (let i = 0; i < columns; i++) if ((i - c[0]) ** 2 + (j - c[1]) ** 2 + (k - c[2]) ** 2 <= r * r) slice[j * columns + i] = value;
  });
}

/** A FitEngine in this thread, cloning as a worker would: the fit worker's stand-in. Counts its calls by op. */
export function inProcessFitBackend(engine = new FitEngine()): FitBackend & { engine: FitEngine; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  return {
    engine,
    calls,
    async call<R extends FitRequest>(request: R) {
      calls[request.op] = (calls[request.op] ?? 0) + 1;
      return structuredClone(engine.handle(structuredClone(request))) as FitReplyFor<R>;
    },
    dispose() {},
  };
}
