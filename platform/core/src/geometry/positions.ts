import { checkOrientation, columnDirection, rowDirection, sliceNormal } from './orientation';
import { checkSpacingMm } from './spacing';
import type { Point3, StackGeometry } from './types';
import { ImageStackError } from '../errors';

/** Checks every number of a geometry; returns it unchanged when it is usable. */
export function checkGeometry(g: StackGeometry): StackGeometry {
  checkSpacingMm(g.pixelSpacingXMm, 'pixel spacing x');
  checkSpacingMm(g.pixelSpacingYMm, 'pixel spacing y');
  checkSpacingMm(g.sliceSpacingMm, 'slice spacing');
  checkOrientation(g.orientation);
  if (!Array.isArray(g.originMm) || g.originMm.length !== 3 || g.originMm.some(v => !Number.isFinite(v))) {
    throw new ImageStackError('bad-geometry', `origin must be three finite millimetre values x,y,z`);
  }
  return g;
}

/** DICOM PixelSpacing: row spacing \ column spacing, i.e. [y, x]. The classic mix-up lives here only. */
export function pixelSpacingTag(g: StackGeometry): [number, number] {
  return [g.pixelSpacingYMm, g.pixelSpacingXMm];
}

/**
 * ImagePositionPatient of slice `k` (0-based, in slice order): the LPS position of the centre
 * of its first pixel, origin + k · sliceSpacing · normal.
 */
export function slicePositionMm(g: StackGeometry, k: number): Point3 {
  const n = sliceNormal(g.orientation);
  const d = k * g.sliceSpacingMm;
  return [g.originMm[0] + d * n[0], g.originMm[1] + d * n[1], g.originMm[2] + d * n[2]];
}

/**
 * The affine that takes a continuous voxel index (column i, row j, slice k) to LPS millimetres,
 * as a row-major 3×4 matrix [R | t]: p = R · [i, j, k] + t.
 */
export function indexToPatientAffine(g: StackGeometry): Float64Array {
  const r = rowDirection(g.orientation);
  const c = columnDirection(g.orientation);
  const n = sliceNormal(g.orientation);
  const sx = g.pixelSpacingXMm;
  const sy = g.pixelSpacingYMm;
  const sz = g.sliceSpacingMm;
  const o = g.originMm;
  // prettier-ignore
  return Float64Array.of(
    r[0] * sx, c[0] * sy, n[0] * sz, o[0],
    r[1] * sx, c[1] * sy, n[1] * sz, o[1],
    r[2] * sx, c[2] * sy, n[2] * sz, o[2],
  );
}

/** LPS millimetres of the (continuous) voxel index [i, j, k]. */
export function indexToPatient(g: StackGeometry, ijk: Point3): Point3 {
  const m = indexToPatientAffine(g);
  const [i, j, k] = ijk;
  return [
    m[0] * i + m[1] * j + m[2] * k + m[3],
    m[4] * i + m[5] * j + m[6] * k + m[7],
    m[8] * i + m[9] * j + m[10] * k + m[11],
  ];
}

/** Physical extent of a stack of `columns × rows × slices` voxels, centre to centre plus one voxel, mm. */
export function physicalSizeMm(g: StackGeometry, columns: number, rows: number, slices: number): Point3 {
  return [columns * g.pixelSpacingXMm, rows * g.pixelSpacingYMm, slices * g.sliceSpacingMm];
}
