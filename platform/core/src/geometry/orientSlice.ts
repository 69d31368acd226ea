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
  const stepA = m[0] + width * m[1];
  const stepB = m[2] + width * m[3];
  let start = ti + width * tj;
  let k = 0;
  for (let b = 0; b < h2; b++, start += stepB) {
    let s = start;
    for (let a = 0; a < w2; a++, s += stepA) out[k++] = src[s];
  }
  return out;
}
