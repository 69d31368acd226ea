import { ImageStackError } from '../errors';

/** 2^28 pixels (16384 × 16384): far beyond any screen capture or micro-CT slice we expect. */
export const DEFAULT_MAX_PIXELS = 2 ** 28;

/**
 * Refuse absurd or lying headers before allocating: zero or negative sizes are corrupt, more
 * than `maxPixels` pixels is too large.
 */
export function checkImageSize(width: number, height: number, name: string, maxPixels = DEFAULT_MAX_PIXELS): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageStackError('corrupt', `the header gives an impossible image size ${width} × ${height}`, name);
  }
  if (width * height > maxPixels) {
    throw new ImageStackError(
      'too-large',
      `the header gives ${width} × ${height} pixels, more than the limit of ${maxPixels} pixels per image (a damaged or lying header?)`,
      name,
    );
  }
}
