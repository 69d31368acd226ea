/** Grey voxel values as stored: 8-bit stays 8-bit, 16-bit stays 16-bit. */
export type VoxelArray = Uint8Array | Uint16Array;

/**
 * A decoded, assembled stack of grey slices, held once: one preallocated typed volume, slice
 * k at offset k · rows · columns, columns fastest. Geometry (spacing, origin, orientation) is
 * not part of it: it lives in a StackGeometry from ../geometry.
 */
export interface VoxelStack {
  columns: number;
  rows: number;
  slices: number;
  /** 8 for Uint8Array voxels, 16 for Uint16Array voxels. */
  bitsStored: 8 | 16;
  voxels: VoxelArray;
  /** The source of each slice in slice order, as the user named it ("IMG (2).bmp", "stack.tif#3"). */
  sliceNames: string[];
  /**
   * Real-valued sources (float / signed TIFF): real value = voxel × slope + intercept, for
   * DICOM's RescaleSlope / RescaleIntercept on export. Absent: the voxels are the values.
   */
  rescale?: { slope: number; intercept: number };
  /** Slices (indices) that no file holds: interpolated from their neighbours to fill a gap in the numbering. */
  filledSlices?: number[];
}

/** The view of slice `k` of a stack (no copy). */
export function sliceView(stack: VoxelStack, k: number): VoxelArray {
  const n = stack.rows * stack.columns;
  return stack.voxels.subarray(k * n, (k + 1) * n);
}
