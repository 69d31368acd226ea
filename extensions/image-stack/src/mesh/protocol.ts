import type { MeshFrame, MeshStats, StackGeometry, SurfaceOperation } from '@imagestack/core';

/** What the viewer asks the mesh worker to build. */
export interface MeshRequest {
  /** columns, rows, slices of the labelmap. */
  dims: [number, number, number];
  geometry: StackGeometry;
  /** The mask, 8 voxels a byte, slice after slice (see bitMask.ts). */
  packed: Uint8Array;
  largestIsland: boolean;
  smoothIterations: number;
  /** Fraction of triangles to remove, 0 for none. */
  decimate: number;
  frame: MeshFrame;
  format: 'binary' | 'ascii';
}

export type MeshReply =
  | { type: 'progress'; fraction: number; step: string }
  | { type: 'done'; stl: Uint8Array; stats: MeshStats; operations: Array<SurfaceOperation | { op: string; [k: string]: unknown }> }
  | { type: 'error'; message: string };
