import { sliceOrientationMatrix, orientedSize, type SliceOrientation } from './sliceOrientation';

/**
 * Flips/rotates one slice of `width × height` pixels (columns fastest) into `dst` (columns ×
 * rows of orientedSize: transposed for 90° and 270°). `dst` must not overlap `src`. Pure apart
 * from writing `dst`; allocates it when not given.
 */
export function orientSlice<T extends Uint8Array | Uint16Array>(src: T, width: number, height: number, o: SliceOrientation | undefined, dst?: T): T {
  const n = width * height;
  if (src.length < n) throw new Error(`orientSlice: ${src.length} pixels for a ${width} × ${height} slice`);
  const out = (dst ?? new (src.constructor as { new (n: number): T })(n)) as T;
  if (out.length < n) throw new Error(`orientSlice: destination holds ${out.length} pixels, needs ${n}`);
  if (out.buffer === src.buffer && out.byteOffset < src.byteOffset + src.byteLength && src.byteOffset < out.byteOffset + out.byteLength) {
    throw new Error('orientSlice: source and destination overlap');
  }
  const m = sliceOrientationMatrix(o);
  const [w2, h2] = orientedSize(width, height, o);
  // Output (a, b) reads original (i, j) = Mᵀ · ((a, b) − c') + c, an integer affine map:
  // i = m0·a + m2·b + ti, j = m1·a + m3·b + tj.
  const ti = (width - 1) / 2 - m[0] * ((w2 - 1) / 2) - m[2] * ((h2 - 1) / 2);
  const tj = (height - 1) / 2 - m[1] * ((w2 - 1) / 2) - m[3] * ((h2 - 1) / 2);
  // Whole numbers, kept as small integers (a double-typed index is several times slower).
  const stepA = (m[0] + width * m[1]) | 0;
  const stepB = (m[2] + width * m[3]) | 0;
  const first = (ti + width * tj) | 0;
  if (stepA === 1) {
    // Rows stay rows, in order (flip rows): whole-row copies.
    for (let b = 0; b < h2; b++) out.set(src.subarray(first + b * stepB, first + b * stepB + w2), b * w2);
  } else if (stepA === -1) {
    // Rows stay rows, reversed (flip columns, rotate 180).
    for (let b = 0, k = 0; b < h2; b++) {
      let s = first + b * stepB;
      for (let a = 0; a < w2; a++, k++, s--) out[k] = src[s];
    }
  } else {
    // A quarter turn reads down columns: in tiles, so the source rows stay in cache.
    const T = 64;
    for (let b0 = 0; b0 < h2; b0 += T) {
      const b1 = Math.min(h2, b0 + T);
      for (let a0 = 0; a0 < w2; a0 += T) {
        const a1 = Math.min(w2, a0 + T);
        for (let b = b0; b < b1; b++) {
          let s = first + b * stepB + a0 * stepA;
          let k = b * w2 + a0;
          for (let a = a0; a < a1; a++, k++, s += stepA) out[k] = src[s];
        }
      }
    }
  }
  return out;
}
