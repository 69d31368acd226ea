import { ImageStackError } from '../errors';
import type { Orientation6, Point3 } from './types';
import { sliceOrientationMatrix, type SliceOrientation } from './sliceOrientation';

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

/**
 * The patient-direction letters of an LPS direction, as viewers draw them (DICOM's R/L, A/P,
 * H/F): the letter of each component larger than 1e-4, largest first ("L", "LP" for an oblique
 * direction mostly to the patient's left). Ties go in x, y, z order.
 */
export function patientDirectionLetters(v: readonly number[]): string {
  const letters: [number, string][] = [
    [Math.abs(v[0]), v[0] < 0 ? 'R' : 'L'],
    [Math.abs(v[1]), v[1] < 0 ? 'A' : 'P'],
    [Math.abs(v[2]), v[2] < 0 ? 'F' : 'H'],
  ];
  return letters
    .filter(([a]) => a > 1e-4)
    .sort((a, b) => b[0] - a[0])
    .map(([, l]) => l)
    .join('');
}

/** The letters at the four edges of a displayed slice: which way the patient lies past each edge. */
export interface EdgeLetters {
  top: string;
  bottom: string;
  left: string;
  right: string;
}

/**
 * The letters at the edges of a slice with this ImageOrientationPatient, shown as stored (row 0
 * at the top, column 0 at the left), as the viewer's stack view labels it: right = the row
 * direction, bottom = the column direction, top and left their opposites.
 */
export function sliceEdgeLetters(o: Orientation6): EdgeLetters {
  const r = rowDirection(o);
  const c = columnDirection(o);
  return {
    right: patientDirectionLetters(r),
    left: patientDirectionLetters(r.map(x => -x)),
    bottom: patientDirectionLetters(c),
    top: patientDirectionLetters(c.map(x => -x)),
  };
}

/**
 * The letters at the edges of the slices as captured (before the flip/rotation), for an
 * orientation `o` of the oriented slices: what the capture's own burned-in letters should say
 * if the flip/rotation is right. With no flip or rotation it is sliceEdgeLetters(o).
 */
export function captureEdgeLetters(o: Orientation6, sliceOrientation: SliceOrientation | undefined): EdgeLetters {
  const m = sliceOrientationMatrix(sliceOrientation);
  const r = rowDirection(o);
  const c = columnDirection(o);
  // The capture's +x is oriented (m0, m2), its +y is (m1, m3).
  const x = [0, 1, 2].map(i => m[0] * r[i] + m[2] * c[i]);
  const y = [0, 1, 2].map(i => m[1] * r[i] + m[3] * c[i]);
  return {
    right: patientDirectionLetters(x),
    left: patientDirectionLetters(x.map(v => -v)),
    bottom: patientDirectionLetters(y),
    top: patientDirectionLetters(y.map(v => -v)),
  };
}
