/**
 * A labelmap slice as run lengths: the saved form of a segmentation (a thresholded skull of
 * 192 × 240 × 150 voxels is a few hundred kB of runs instead of 6.9 MB of labels). Each run is
 * its label byte followed by its length as an unsigned LEB128 varint; an all-zero slice is
 * stored as null. Labels are segment indices 0–255 (Cornerstone's Uint8 labelmaps).
 */

/** Encodes one slice; null when every voxel is 0. */
export function encodeSliceRuns(labels: ArrayLike<number>): Uint8Array | null {
  const n = labels.length;
  let i = 0;
  while (i < n && labels[i] === 0) i++;
  if (i === n) return null;
  // worst case: every voxel its own run of length 1 (2 bytes per voxel); grown as needed
  let out = new Uint8Array(Math.min(2 * n, 4096));
  let o = 0;
  const ensure = (extra: number) => {
    if (o + extra <= out.length) return;
    const bigger = new Uint8Array(Math.max(out.length * 2, o + extra));
    bigger.set(out.subarray(0, o));
    out = bigger;
  };
  i = 0;
  while (i < n) {
    const v = labels[i];
    let j = i + 1;
    while (j < n && labels[j] === v) j++;
    let len = j - i;
    ensure(6);
    out[o++] = v;
    while (len >= 0x80) {
      out[o++] = (len & 0x7f) | 0x80;
      len >>>= 7;
    }
    out[o++] = len;
    i = j;
  }
  return out.slice(0, o);
}

/**
 * Writes a slice's runs into `out` (all of it: a null slice clears it). Throws when the runs do
 * not cover exactly out.length voxels: a saved slice of another size is not this series' slice.
 */
export function decodeSliceRuns(runs: Uint8Array | null, out: { length: number; [i: number]: number; fill(v: number): unknown }): void {
  if (!runs) {
    out.fill(0);
    return;
  }
  let o = 0;
  let p = 0;
  while (p < runs.length) {
    const v = runs[p++];
    let len = 0;
    let shift = 0;
    for (;;) {
      if (p >= runs.length) throw new Error('labelmap runs: truncated length');
      const b = runs[p++];
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    if (o + len > out.length) throw new Error(`labelmap runs: ${o + len} voxels for a slice of ${out.length}`);
    for (let end = o + len; o < end; o++) out[o] = v;
  }
  if (o !== out.length) throw new Error(`labelmap runs: ${o} voxels for a slice of ${out.length}`);
}

/** How many voxels of a slice's runs carry `label` (without expanding it). */
export function countRuns(runs: Uint8Array | null, label: number): number {
  if (!runs) return 0;
  let count = 0;
  let p = 0;
  while (p < runs.length) {
    const v = runs[p++];
    let len = 0;
    let shift = 0;
    let b: number;
    do {
      b = runs[p++];
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b >= 0x80 && p < runs.length);
    if (v === label) count += len;
  }
  return count;
}
