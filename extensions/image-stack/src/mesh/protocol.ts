import type { MeshFrame, MeshStats, RefineStep, StackGeometry, SurfaceOperation, WireError } from '@imagestack/core';

/** Masks travel packed 8 voxels a byte, slice after slice (see bitMask.ts). */
interface MaskJob {
  /** columns, rows, slices of the labelmap. */
  dims: [number, number, number];
  geometry: StackGeometry;
  packed: Uint8Array;
}

/** Build the surface of a mask: what Export STL asks for. */
export interface MeshJob extends MaskJob {
  kind: 'mesh';
  /** Refine steps applied to the mask before extraction (e.g. keep the largest piece). */
  refine: RefineStep[];
  smoothIterations: number;
  /** Fraction of triangles to remove, 0 for none. */
  decimate: number;
  frame: MeshFrame;
  format: 'binary' | 'ascii';
}

/** One refine operation on a mask: the panel's Refine section. */
export interface RefineJob extends MaskJob {
  kind: 'refine';
  step: RefineStep;
}

/** The volumes of a mask's pieces: the preview of "remove pieces smaller than". */
export interface CensusJob extends MaskJob {
  kind: 'census';
}

export type WorkerJob = MeshJob | RefineJob | CensusJob;

export interface MeshDone {
  kind: 'mesh';
  stl: Uint8Array;
  stats: MeshStats;
  operations: SurfaceOperation[];
}
export interface RefineDone {
  kind: 'refine';
  packed: Uint8Array;
  voxels: number;
}
export interface CensusDone {
  kind: 'census';
  volumesMl: number[];
}
export type JobDone = MeshDone | RefineDone | CensusDone;
/** The result type of a job of kind K. */
export type DoneFor<J extends WorkerJob> = Extract<JobDone, { kind: J['kind'] }>;

export type WorkerReply = { type: 'progress'; fraction: number; step: string } | { type: 'done'; result: JobDone } | { type: 'error'; error: WireError };
