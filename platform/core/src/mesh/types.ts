import type { Dimensions3 } from '../geometry';

/**
 * A triangle mesh in typed arrays. `positions` holds x,y,z per vertex (patient millimetres once
 * placed, voxel-index units straight out of extraction); `triangles` holds three vertex indices
 * per triangle, counter-clockwise seen from outside (right-hand normals point outward).
 */
export interface Mesh {
  positions: Float32Array;
  triangles: Uint32Array;
}

/** Patient coordinate frame of mesh vertices: DICOM LPS, or RAS (x and y negated). */
export type MeshFrame = 'LPS' | 'RAS';

/** Voxel spacing in millimetres: [x (between columns), y (between rows), z (between slices)]. */
export type SpacingMm = [number, number, number];

/**
 * A whole labelmap or binary mask in memory: `voxels[i + columns * (j + rows * k)]`, columns
 * fastest, as VoxelStack lays out voxels. Masks are 0 (outside) and 1 (inside); labelmaps hold
 * a segment number per voxel.
 */
export interface Labelmap {
  dims: Dimensions3;
  spacingMm: SpacingMm;
  voxels: Uint8Array;
}

/** One slice of a labelmap or grey volume: columns × rows values, columns fastest. */
export type SliceArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/**
 * Slices delivered one at a time, so the caller never needs a volume-sized copy (the viewer
 * reads Cornerstone's per-slice labelmap arrays). `getSlice(k)` for k in 0..dims[2]-1. Each pass
 * (extraction, an island or hole analysis) reads the slices once, in order, and keeps none after
 * the next one is read, so the returned array may be a reused buffer.
 */
export interface SliceSource {
  dims: Dimensions3;
  getSlice(k: number): SliceArray;
}
