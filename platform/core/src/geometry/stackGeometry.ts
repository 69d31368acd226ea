import { cropGeometry } from './crop';
import { downsampledLength, downsampleGeometry } from './downsample';
import { columnDirection, rowDirection } from './orientation';
import { checkGeometry } from './positions';
import { isIdentityOrientation, orientPixel, swapsAxes, unorientPixel, type SliceOrientation } from './sliceOrientation';
import type { CropRect, DownsampleFactor, StackGeometry } from './types';

/** What was done to the slices between the files and the voxel stack. */
export interface StackTransforms {
  /** Crop in pixels of the original, full-resolution slices (applied first). */
  crop?: CropRect;
  /** In-plane downsampling of the cropped slices (applied second). */
  downsample?: DownsampleFactor;
  /**
   * Flip and/or rotate each slice (applied last, to the cropped, downsampled pixels; see
   * SliceOrientation). Needs `width` and `height`.
   */
  orient?: SliceOrientation;
  /** Columns and rows of the original slices (a StackPlan has them); needed with `orient`. */
  width?: number;
  height?: number;
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
 * The geometry of the assembled voxel stack, from the geometry the user gave: crop first (in
 * original pixels), then downsample, then flip/rotate; reverse changes nothing (see
 * StackTransforms.reverse). Checks every value first.
 *
 * The user's geometry means, with an orientation:
 * - pixelSpacingXMm / pixelSpacingYMm: along the rows / down the columns of the files as
 *   captured (where a ruler is measured); a 90° or 270° turn swaps them in the result.
 * - orientation: the ImageOrientationPatient of the oriented slices (what the viewer shows).
 * - originMm: the centre of the top-left pixel of the first oriented slice, before cropping.
 */
export function deriveStackGeometry(userGeometry: StackGeometry, transforms: StackTransforms = {}): StackGeometry {
  const g0 = checkGeometry(userGeometry);
  const f = transforms.downsample ?? 1;
  if (isIdentityOrientation(transforms.orient)) {
    let g = g0;
    if (transforms.crop) g = cropGeometry(g, transforms.crop);
    if (f !== 1) g = downsampleGeometry(g, f);
    return g;
  }
  const { width, height } = transforms;
  if (!width || !height) throw new Error('deriveStackGeometry: an orientation needs the original slice width and height');
  const crop = transforms.crop ?? { x: 0, y: 0, width, height };
  const swap = swapsAxes(transforms.orient);
  // Spacing along the oriented slice's columns and rows.
  const sx = swap ? g0.pixelSpacingYMm : g0.pixelSpacingXMm;
  const sy = swap ? g0.pixelSpacingXMm : g0.pixelSpacingYMm;
  // The assembled voxel (0, 0): oriented pixel (0, 0) of the cropped, downsampled slice …
  const dw = downsampledLength(crop.width, f);
  const dh = downsampledLength(crop.height, f);
  const [u, v] = unorientPixel(transforms.orient, dw, dh, [0, 0]);
  // … is the mean of an f × f block of the original slice centred here …
  const x = crop.x + f * u + (f - 1) / 2;
  const y = crop.y + f * v + (f - 1) / 2;
  // … which is this point of the whole oriented slice, whose top-left pixel is the origin.
  const [p, q] = orientPixel(transforms.orient, width, height, [x, y]);
  const r = rowDirection(g0.orientation);
  const c = columnDirection(g0.orientation);
  const o = g0.originMm;
  const dx = p * sx;
  const dy = q * sy;
  // Along the assembled axes, one voxel is f oriented pixels (the orientation's matrix cancels
  // with its inverse), so the cosines stay those the user chose.
  return {
    ...g0,
    pixelSpacingXMm: sx * f,
    pixelSpacingYMm: sy * f,
    originMm: [o[0] + dx * r[0] + dy * c[0], o[1] + dx * r[1] + dy * c[1], o[2] + dx * r[2] + dy * c[2]],
  };
}
