import { ImageStackError } from '../errors';
import { checkCrop } from './crop';
import { checkDownsample } from './downsample';
import { checkSpacingMm } from './spacing';
import type { CropRect, DownsampleFactor, Point3 } from './types';

/**
 * Parses comma-separated numbers as typed by a user ("0.5,0.8", "-10, 20, 30"); backslashes
 * (DICOM style) and spaces also separate. Refuses anything that is not exactly `counts` numbers.
 */
export function parseNumbers(text: string, counts: readonly number[], what: string): number[] {
  const parts = text.trim().split(/[\s,\\]+/).filter(Boolean);
  const values = parts.map(p => (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(p) ? Number(p) : Number.NaN));
  if (!counts.includes(values.length) || values.some(v => !Number.isFinite(v))) {
    const want = counts.length === 1 ? `${counts[0]}` : counts.join(' or ');
    throw new ImageStackError('bad-argument', `${what} needs ${want} comma-separated number${counts[counts.length - 1] > 1 ? 's' : ''}, got "${text}"`);
  }
  return values;
}

/** "x" or "x,y" pixel spacing in mm; one value means square pixels. Checked (no default, 0 < s ≤ 100). */
export function parsePixelSpacing(text: string): { pixelSpacingXMm: number; pixelSpacingYMm: number } {
  const v = parseNumbers(text, [1, 2], 'pixel spacing');
  const x = checkSpacingMm(v[0], 'pixel spacing x');
  const y = checkSpacingMm(v.length === 2 ? v[1] : v[0], 'pixel spacing y');
  return { pixelSpacingXMm: x, pixelSpacingYMm: y };
}

/** One slice spacing in mm, checked. */
export function parseSliceSpacing(text: string): number {
  return checkSpacingMm(parseNumbers(text, [1], 'slice spacing')[0], 'slice spacing');
}

/** "x,y,z" LPS millimetres of the first voxel. */
export function parseOrigin(text: string): Point3 {
  const [x, y, z] = parseNumbers(text, [3], 'origin');
  return [x, y, z];
}

/** "x,y,width,height" in pixels of the original slices; checked against the slice size when given. */
export function parseCrop(text: string, columns?: number, rows?: number): CropRect {
  const [x, y, width, height] = parseNumbers(text, [4], 'crop');
  const crop = { x, y, width, height };
  return checkCrop(crop, columns ?? Number.POSITIVE_INFINITY, rows ?? Number.POSITIVE_INFINITY);
}

/** "1", "2" or "4". */
export function parseDownsample(text: string): DownsampleFactor {
  return checkDownsample(parseNumbers(text, [1], 'downsample')[0]);
}

/** "x,y,z": a point in patient coordinates (LPS, mm), e.g. where to keep a segment's piece. */
export function parsePointMm(text: string, what = 'the point'): Point3 {
  const [x, y, z] = parseNumbers(text, [3], what);
  return [x, y, z];
}
