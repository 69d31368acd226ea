import { ImageStackError } from '../../errors';

/** Parses `lo` or `lo:hi` (inclusive; `lo` alone means lo and above). */
export function parseThreshold(text: string): [number, number] {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?::\s*(-?\d+(?:\.\d+)?)\s*)?$/.exec(text);
  if (!m) throw new ImageStackError('bad-argument', `threshold "${text}" should be <low> or <low>:<high>, e.g. 100:255`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? Infinity : Number(m[2]);
  if (lo > hi) throw new ImageStackError('bad-argument', `threshold ${text}: low is above high`);
  return [lo, hi];
}
