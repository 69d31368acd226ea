import { ImageStackError } from '../../errors';

/**
 * A 0/1 mask of the voxels whose value lies in [lo, hi] (both inclusive: 255 stays in range
 * 200–255, unlike Cornerstone's thresholdVolumeByRange). Works on any typed voxel array.
 */
export function thresholdMask(voxels: ArrayLike<number>, lo: number, hi: number = Infinity): Uint8Array {
  if (!(lo <= hi) || Number.isNaN(lo)) throw new ImageStackError('bad-argument', `threshold range ${lo}–${hi} is empty: give low ≤ high`);
  const n = voxels.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = voxels[i];
    out[i] = v >= lo && v <= hi ? 1 : 0;
  }
  return out;
}

/** Parses `lo` or `lo:hi` (inclusive; `lo` alone means lo and above). */
export function parseThreshold(text: string): [number, number] {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?::\s*(-?\d+(?:\.\d+)?)\s*)?$/.exec(text);
  if (!m) throw new ImageStackError('bad-argument', `threshold "${text}" should be <low> or <low>:<high>, e.g. 100:255`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? Infinity : Number(m[2]);
  if (lo > hi) throw new ImageStackError('bad-argument', `threshold ${text}: low is above high`);
  return [lo, hi];
}
