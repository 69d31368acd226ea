import type { DownsampleFactor } from '../geometry/types';

/**
 * Downsample a grey image by `f` in-plane into `out` (length ⌊width/f⌋ × ⌊height/f⌋): each
 * output pixel is the mean of a full f × f block, rounded half up; partial blocks at the right
 * and bottom edges are dropped (geometry's downsampledLength). Slices are not combined: the
 * geometry multiplies the pixel spacing (not the slice spacing) by f.
 */
export function downsampleInto(src: Uint8Array | Uint16Array, width: number, height: number, f: DownsampleFactor, out: Uint8Array | Uint16Array): void {
  const ow = Math.floor(width / f);
  const oh = Math.floor(height / f);
  if (f === 1) {
    out.set(src.subarray(0, width * height));
    return;
  }
  const area = f * f;
  const half = area >>> 1;
  for (let y = 0; y < oh; y++) {
    const d0 = y * ow;
    const r0 = y * f * width;
    for (let x = 0; x < ow; x++) {
      let sum = 0;
      let s = r0 + x * f;
      for (let j = 0; j < f; j++, s += width) {
        for (let i = 0; i < f; i++) sum += src[s + i];
      }
      out[d0 + x] = ((sum + half) / area) | 0;
    }
  }
}
