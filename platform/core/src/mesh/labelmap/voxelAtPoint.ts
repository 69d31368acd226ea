import { ImageStackError } from '../../errors';
import { indexToPatient, indexToPatientAffine, type Dimensions3, type Point3, type StackGeometry } from '../../geometry';

const mm = (v: number) => (Math.abs(v) < 0.05 ? 0 : v).toFixed(1);

/** "x,y,z" in mm with one decimal, as messages write a point. */
export function formatPointMm(p: readonly number[]): string {
  return p.map(mm).join(',');
}

/**
 * The voxel [column, row, slice] whose centre is nearest to the LPS point `pointMm`. A point
 * outside the volume (more than half a voxel beyond the outer voxel centres) is an
 * ImageStackError('bad-argument') that gives the volume's extent in mm.
 */
export function voxelAtPointMm(geometry: StackGeometry, dims: Dimensions3, pointMm: [number, number, number]): [number, number, number] {
  if (!Array.isArray(pointMm) || pointMm.length !== 3 || pointMm.some(v => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new ImageStackError('bad-argument', `a point must be three finite millimetre values x,y,z, got ${String(pointMm)}`);
  }
  // The affine's columns are orthogonal (orthonormal cosines × spacing): its inverse is the
  // transpose divided by each column's squared length.
  const m = indexToPatientAffine(geometry);
  const d = [pointMm[0] - m[3], pointMm[1] - m[7], pointMm[2] - m[11]];
  const ijk = [0, 1, 2].map(c => {
    const col = [m[c], m[4 + c], m[8 + c]];
    return (col[0] * d[0] + col[1] * d[1] + col[2] * d[2]) / (col[0] ** 2 + col[1] ** 2 + col[2] ** 2);
  });
  const voxel = ijk.map(v => Math.round(v) + 0) as [number, number, number]; // + 0: no −0
  if (voxel.some((v, a) => !(v >= 0 && v < dims[a]))) {
    // The extent: the box of the volume's corners (half a voxel beyond the outer centres), LPS.
    const corners: Point3[] = [];
    for (const i of [-0.5, dims[0] - 0.5]) for (const j of [-0.5, dims[1] - 0.5]) for (const k of [-0.5, dims[2] - 0.5]) corners.push(indexToPatient(geometry, [i, j, k]));
    const range = (a: number) => `${'xyz'[a]} ${mm(Math.min(...corners.map(c => c[a])))} to ${mm(Math.max(...corners.map(c => c[a])))}`;
    throw new ImageStackError('bad-argument', `the point ${formatPointMm(pointMm)} mm is outside the volume, which spans ${range(0)}, ${range(1)}, ${range(2)} mm (LPS)`);
  }
  return voxel;
}
