/**
 * Binary masks travel to the mesh worker packed 8 voxels to a byte: the labelmap stays in
 * Cornerstone's per-slice arrays, and the worker's copy is an eighth of a volume, not a whole
 * one (DESIGN.md: a labelmap already adds one volume-sized buffer; do not add another).
 */

/** Bytes one packed slice of `voxelsPerSlice` voxels takes. */
export function packedSliceBytes(voxelsPerSlice: number): number {
  return Math.ceil(voxelsPerSlice / 8);
}

/**
 * Sets bit i of `out` (from `offset`) where lo ≤ labels[i] ≤ hi. Bits past the slice's end
 * stay 0. Returns the number of voxels set.
 */
export function packSlice(labels: ArrayLike<number>, lo: number, hi: number, out: Uint8Array, offset: number): number {
  const n = labels.length;
  let count = 0;
  let i = 0;
  let o = offset;
  for (; i + 8 <= n; i += 8, o++) {
    let b = 0;
    for (let bit = 0; bit < 8; bit++) {
      const v = labels[i + bit];
      if (v >= lo && v <= hi) {
        b |= 1 << bit;
        count++;
      }
    }
    out[o] = b;
  }
  if (i < n) {
    let b = 0;
    for (let bit = 0; i + bit < n; bit++) {
      const v = labels[i + bit];
      if (v >= lo && v <= hi) {
        b |= 1 << bit;
        count++;
      }
    }
    out[o] = b;
  }
  return count;
}

/** Expands one packed slice into `out` (0/1 per voxel, out.length voxels). */
export function unpackSlice(packed: Uint8Array, offset: number, out: Uint8Array): Uint8Array {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = (packed[offset + (i >> 3)] >> (i & 7)) & 1;
  return out;
}
