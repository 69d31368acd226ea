import type { VoxelArray } from '../stack/types';

/** A VOI window (WindowCenter / WindowWidth) in stored values (slope 1, intercept 0). */
export interface VoiWindow {
  center: number;
  width: number;
}

/**
 * Counts of each stored value: 256 bins for 8-bit voxels, 65536 for 16-bit. Pass `into` to
 * add slices one by one (the viewer decodes slices on demand and need not hold them all).
 */
export function voxelHistogram(voxels: VoxelArray, into?: Float64Array): Float64Array {
  const bins = voxels instanceof Uint8Array ? 256 : 65536;
  const h = into ?? new Float64Array(bins);
  if (h.length < bins) throw new Error(`voxelHistogram: histogram has ${h.length} bins, needs ${bins}`);
  if (voxels instanceof Uint8Array) {
    // Four voxels per 32-bit load into four integer tallies side by side (neighbouring voxels
    // mostly share a value, and one tally would wait on its own last increment), added into
    // the histogram every 2^28 voxels so no tally overflows: the same counts, about twice as
    // fast on a volume of hundreds of MB.
    const t = new Uint32Array(1024);
    const flush = () => {
      for (let v = 0; v < 256; v++) h[v] += t[v] + t[256 + v] + t[512 + v] + t[768 + v];
      t.fill(0);
    };
    // the voxels before the first 4-byte boundary (all of them when there is none), one by one
    const gap = (4 - (voxels.byteOffset & 3)) & 3;
    const head = voxels.length > gap ? gap : voxels.length;
    for (let i = 0; i < head; i++) t[voxels[i]]++;
    const words = head === gap ? new Uint32Array(voxels.buffer, voxels.byteOffset + head, (voxels.length - head) >>> 2) : new Uint32Array(0);
    for (let q0 = 0; q0 < words.length; q0 += 1 << 26) {
      for (let q = q0, end = Math.min(words.length, q0 + (1 << 26)); q < end; q++) {
        const x = words[q];
        t[x & 255]++;
        t[256 + ((x >>> 8) & 255)]++;
        t[512 + ((x >>> 16) & 255)]++;
        t[768 + (x >>> 24)]++;
      }
      flush();
    }
    for (let i = head + 4 * words.length; i < voxels.length; i++) t[voxels[i]]++;
    flush();
    return h;
  }
  for (let i = 0; i < voxels.length; i++) h[voxels[i]]++;
  return h;
}

/** The stored value below which `fraction` of the counted voxels lie (0 ≤ fraction ≤ 1). */
function percentile(h: Float64Array, total: number, fraction: number): number {
  const target = fraction * total;
  let seen = 0;
  for (let v = 0; v < h.length; v++) {
    seen += h[v];
    if (seen > target) return v;
  }
  return h.length - 1;
}

/**
 * A window covering the 1st to 99th percentile of the data: screen captures are mostly black
 * background with a few white labels, and min–max would waste the grey range on both.
 * An empty or constant volume gets a width-1 window on its value.
 */
export function windowFromHistogram(h: Float64Array, lowFraction = 0.01, highFraction = 0.99): VoiWindow {
  let total = 0;
  for (let v = 0; v < h.length; v++) total += h[v];
  if (total === 0) return { center: 0.5, width: 1 };
  const lo = percentile(h, total, lowFraction);
  const hi = Math.max(lo, percentile(h, total, highFraction));
  // DICOM's linear VOI maps [c − 0.5 − (w−1)/2, c − 0.5 + (w−1)/2] to the display range, so this
  // window maps exactly lo..hi.
  const width = hi - lo + 1;
  return { center: lo + width / 2, width };
}

/** windowFromHistogram over a whole volume. */
export function windowFromVoxels(voxels: VoxelArray): VoiWindow {
  return windowFromHistogram(voxelHistogram(voxels));
}
