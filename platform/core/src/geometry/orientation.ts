import { ImageStackError } from '../errors';
import type { Orientation6, Point3 } from './types';

/** Named orientations of the slice plane (ImageOrientationPatient, LPS). */
export const ORIENTATION_PRESETS = {
  axial: [1, 0, 0, 0, 1, 0],
  coronal: [1, 0, 0, 0, 0, -1],
  sagittal: [0, 1, 0, 0, 0, -1],
} as const satisfies Record<string, Orientation6>;

export type OrientationPresetName = keyof typeof ORIENTATION_PRESETS;

/** Row direction (increasing column index) of an orientation. */
export function rowDirection(o: Orientation6): Point3 {
  return [o[0], o[1], o[2]];
}

/** Column direction (increasing row index) of an orientation. */
export function columnDirection(o: Orientation6): Point3 {
  return [o[3], o[4], o[5]];
}

/** Slice normal: row direction × column direction (the direction of increasing slice index). */
export function sliceNormal(o: Orientation6): Point3 {
  return [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
}

const ORTHO_TOLERANCE = 1e-4;

/**
 * Refuses direction cosines that are not two orthogonal unit vectors (within 1e-4), since
 * every position derived from them would be silently skewed or scaled.
 */
export function checkOrientation(o: readonly number[]): Orientation6 {
  if (o.length !== 6 || o.some(v => !Number.isFinite(v))) {
    throw new ImageStackError('bad-geometry', `orientation needs six finite direction cosines, got ${o.length ? o.join(',') : 'none'}`);
  }
  const [a, b, c, d, e, f] = o;
  const rowLength = Math.hypot(a, b, c);
  const colLength = Math.hypot(d, e, f);
  const dot = a * d + b * e + c * f;
  if (Math.abs(rowLength - 1) > ORTHO_TOLERANCE || Math.abs(colLength - 1) > ORTHO_TOLERANCE || Math.abs(dot) > ORTHO_TOLERANCE) {
    throw new ImageStackError(
      'bad-geometry',
      `orientation ${o.join(',')} is not orthonormal (row length ${rowLength.toFixed(5)}, column length ${colLength.toFixed(5)}, dot ${dot.toFixed(5)}); give two perpendicular unit vectors`,
    );
  }
  return [a, b, c, d, e, f];
}

/** Parses `axial`, `coronal`, `sagittal` or six comma-separated cosines. */
export function parseOrientation(text: string): Orientation6 {
  const name = text.trim().toLowerCase();
  if (name in ORIENTATION_PRESETS) return [...ORIENTATION_PRESETS[name as OrientationPresetName]];
  const parts = name.split(/[\s,\\]+/).filter(Boolean).map(Number);
  return checkOrientation(parts);
}
