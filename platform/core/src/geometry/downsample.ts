import { ImageStackError } from '../errors';
import { columnDirection, rowDirection } from './orientation';
import type { DownsampleFactor, StackGeometry } from './types';

/** Refuses anything but 1, 2 or 4. */
export function checkDownsample(f: number): DownsampleFactor {
  if (f === 1 || f === 2 || f === 4) return f;
  throw new ImageStackError('bad-argument', `downsample must be 1, 2 or 4, got ${String(f)}`);
}

/**
 * Pixels along one axis after downsampling by `f`: partial blocks at the right and bottom edge
 * are dropped (floor), so every output pixel is the mean of a full f × f block.
 */
export function downsampledLength(pixels: number, f: DownsampleFactor): number {
  return Math.floor(pixels / f);
}

/**
 * The geometry after in-plane downsampling by `f`: pixel spacing × f (slice spacing unchanged),
 * and the origin moves to the centre of the first f × f block, (f − 1)/2 pixels along the row
 * and the column direction, since an output pixel is the mean of that block.
 */
export function downsampleGeometry(g: StackGeometry, f: DownsampleFactor): StackGeometry {
  if (f === 1) return g;
  const r = rowDirection(g.orientation);
  const c = columnDirection(g.orientation);
  const half = (f - 1) / 2;
  const dx = half * g.pixelSpacingXMm;
  const dy = half * g.pixelSpacingYMm;
  return {
    ...g,
    pixelSpacingXMm: g.pixelSpacingXMm * f,
    pixelSpacingYMm: g.pixelSpacingYMm * f,
    originMm: [g.originMm[0] + dx * r[0] + dy * c[0], g.originMm[1] + dx * r[1] + dy * c[1], g.originMm[2] + dx * r[2] + dy * c[2]],
  };
}
