import { placementTransform, transformPoint } from '@imagestack/core';
import { columnMajor } from './deviceDisplay';

test('the actor matrix is the placement column-major, as vtk.js (gl-matrix) reads it', () => {
  const T = placementTransform([3, -45, -80], [0, 1, 1]);
  const m = columnMajor(T);
  // gl-matrix: translation in elements 12..14, x' = m0·x + m4·y + m8·z + m12
  expect([m[12], m[13], m[14], m[15]]).toEqual([3, -45, -80, 1]);
  const p = [2, -1, 7];
  const viaColumns = [0, 1, 2].map(i => m[i] * p[0] + m[4 + i] * p[1] + m[8 + i] * p[2] + m[12 + i]);
  transformPoint(T, p).forEach((v, i) => expect(viaColumns[i]).toBeCloseTo(v, 12));
});
