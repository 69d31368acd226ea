import { cropGeometry } from './crop';
import { downsampleGeometry } from './downsample';
import { checkGeometry } from './positions';
import type { CropRect, DownsampleFactor, StackGeometry } from './types';

/** What was done to the slices between the files and the voxel stack. */
export interface StackTransforms {
  /** Crop in pixels of the original, full-resolution slices (applied first). */
  crop?: CropRect;
  /** In-plane downsampling of the cropped slices (applied second). */
  downsample?: DownsampleFactor;
  /**
   * Slice order was flipped. This changes no number of the geometry, on purpose: the origin
   * (and ImagePositionPatient of slice 0) is always the first voxel of the first slice of the
   * stack as assembled, i.e. after reversing, and slice k sits k · sliceSpacing along
   * rowDir × colDir. Reversing is how the user makes the slice index run along that normal
   * (for axial, from feet to head) when the files are numbered the other way.
   */
  reverse?: boolean;
}

/**
 * The geometry of the assembled voxel stack, from the geometry the user gave for the original
 * files: crop first (in original pixels), then downsample; reverse changes nothing (see
 * StackTransforms.reverse). Checks every value first.
 */
export function deriveStackGeometry(userGeometry: StackGeometry, transforms: StackTransforms = {}): StackGeometry {
  let g = checkGeometry(userGeometry);
  if (transforms.crop) g = cropGeometry(g, transforms.crop);
  if (transforms.downsample && transforms.downsample !== 1) g = downsampleGeometry(g, transforms.downsample);
  return g;
}
