import { makeHeadPhantom, PHANTOM_AIR_RANGE, PHANTOM_ANATOMY, PHANTOM_VALUES } from './headPhantom';
import { indexToPatient } from '../geometry';

test('the sample is 8-bit with non-square pixels and a non-zero origin', () => {
  const p = makeHeadPhantom();
  expect(p.stack.bitsStored).toBe(8);
  expect(p.stack.voxels).toBeInstanceOf(Uint8Array);
  expect(p.stack.voxels.length).toBe(192 * 240 * 150);
  expect(p.geometry.pixelSpacingXMm).not.toBe(p.geometry.pixelSpacingYMm);
  expect(p.geometry.originMm).not.toEqual([0, 0, 0]);
});

test('counting bone voxels gives the analytic skull volume within 2 %', () => {
  const p = makeHeadPhantom();
  let n = 0;
  for (const v of p.stack.voxels) if (v === PHANTOM_VALUES.bone) n++;
  const g = p.geometry;
  const ml = (n * g.pixelSpacingXMm * g.pixelSpacingYMm * g.sliceSpacingMm) / 1000;
  expect(Math.abs(ml - p.boneVolumeMl) / p.boneVolumeMl).toBeLessThan(0.02);
});

test('the airway is air inside the head, and the ruler is 50 mm long in x', () => {
  const p = makeHeadPhantom();
  const { columns, rows } = p.stack;
  const g = p.geometry;
  // the voxel nearest the airway axis at z = -40 mm
  const k = Math.round((-40 - g.originMm[2]) / g.sliceSpacingMm);
  const i = Math.round((PHANTOM_ANATOMY.airway.centreMm[0] - g.originMm[0]) / g.pixelSpacingXMm);
  const j = Math.round((PHANTOM_ANATOMY.airway.centreMm[1] - g.originMm[1]) / g.pixelSpacingYMm);
  expect(p.stack.voxels[(k * rows + j) * columns + i]).toBe(PHANTOM_VALUES.air);
  expect(p.stack.voxels[(k * rows + j) * columns + i + 12]).toBe(PHANTOM_VALUES.softTissue);
  const [x0, y, x1] = p.rulerPixels;
  const a = indexToPatient(g, [x0, y, 0]);
  const b = indexToPatient(g, [x1, y, 0]);
  expect(Math.abs(b[0] - a[0] - 50)).toBeLessThanOrEqual(g.pixelSpacingXMm / 2);
  expect(p.stack.voxels[y * columns + x0]).toBe(PHANTOM_VALUES.ruler);
  expect(p.stack.voxels[y * columns + x1]).toBe(PHANTOM_VALUES.ruler);
});

test('air: the airway runs out of the bottom of the stack inside a neck, apart from the air outside', () => {
  const p = makeHeadPhantom({ columns: 96, rows: 120, slices: 75 });
  const { columns, rows } = p.stack;
  const g = p.geometry;
  const at = (x: number, y: number, k: number) => p.stack.voxels[(k * rows + Math.round((y - g.originMm[1]) / g.pixelSpacingYMm)) * columns + Math.round((x - g.originMm[0]) / g.pixelSpacingXMm)];
  const [cx, cy] = PHANTOM_ANATOMY.airway.centreMm;
  // the bottom slice: the airway is air, the neck around it soft tissue, and outside the neck air
  expect(at(cx, cy, 0)).toBe(PHANTOM_VALUES.air);
  expect(at(cx + 20, cy, 0)).toBe(PHANTOM_VALUES.softTissue);
  expect(at(cx + 60, cy, 0)).toBe(PHANTOM_VALUES.air);
  expect(PHANTOM_VALUES.air).toBeGreaterThanOrEqual(PHANTOM_AIR_RANGE[0]);
  expect(PHANTOM_VALUES.softTissue).toBeGreaterThan(PHANTOM_AIR_RANGE[1]);
  // the shell formula: a wall of 0 is nothing; it grows with the wall
  expect(p.airwayShellVolumeMl(0)).toBe(0);
  expect(p.airwayShellVolumeMl(2)).toBeGreaterThan(p.airwayShellVolumeMl(1));
  const r = PHANTOM_ANATOMY.airway.radiusMm;
  const length = PHANTOM_ANATOMY.airway.zTopMm - (g.originMm[2] - g.sliceSpacingMm / 2);
  expect(p.airwayVolumeMl).toBeCloseTo((Math.PI * r * r * length) / 1000, 9);
});
