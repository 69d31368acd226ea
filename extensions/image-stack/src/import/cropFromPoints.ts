import type { CropRect, PixelPoint } from '@imagestack/core';

/** The crop whose pixel edges enclose two points given in pixel coordinates (0 = centre of the first pixel). */
export function cropFromPoints(a: PixelPoint, b: PixelPoint, width: number, height: number): CropRect | undefined {
  const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, v));
  const x0 = clamp(Math.floor(Math.min(a[0], b[0]) + 0.5), width);
  const x1 = clamp(Math.ceil(Math.max(a[0], b[0]) + 0.5), width);
  const y0 = clamp(Math.floor(Math.min(a[1], b[1]) + 0.5), height);
  const y1 = clamp(Math.ceil(Math.max(a[1], b[1]) + 0.5), height);
  if (x1 - x0 < 1 || y1 - y0 < 1) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
