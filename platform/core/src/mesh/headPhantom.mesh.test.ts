import { makeHeadPhantom, PHANTOM_ANATOMY } from '../sample';
import { sliceView } from '../stack';
import { buildSurface } from './buildSurface';
import { selfIntersections } from '../../testing/selfIntersections';

// The built-in sample end to end: its skull (values 200–240; the ruler is 255) has an analytic
// volume, non-square pixels and a non-zero origin.
test('the sample skull meshes to its analytic volume and size, closed, before and after smoothing + decimation', () => {
  const p = makeHeadPhantom({ columns: 128, rows: 160, slices: 100 }); // 1.35 × 1.2 × 1.95 mm voxels
  const s = p.stack;
  const source = { dims: [s.columns, s.rows, s.slices] as [number, number, number], getSlice: (k: number) => sliceView(s, k) };
  const raw = buildSurface(source, p.geometry, { range: [200, 240] });
  expect(raw.stats).toMatchObject({ watertight: true, oriented: true });
  expect(Math.abs(raw.stats.volume_mL / p.boneVolumeMl - 1)).toBeLessThan(0.01);
  const [ax, ay, az] = PHANTOM_ANATOMY.headSemiAxesMm;
  const b = raw.stats.bbox_mm;
  const voxel = [p.geometry.pixelSpacingXMm, p.geometry.pixelSpacingYMm, p.geometry.sliceSpacingMm];
  [-ax, -ay, -az, ax, ay, az].forEach((v, i) => expect(Math.abs(b[i] - v)).toBeLessThanOrEqual(voxel[i % 3]));
  const done = buildSurface(source, p.geometry, { range: [200, 240], smoothIterations: 20, decimate: 0.8 });
  expect(done.stats).toMatchObject({ watertight: true, oriented: true, parts: raw.stats.parts });
  expect(Math.abs(done.stats.volume_mL / raw.stats.volume_mL - 1)).toBeLessThan(0.01);
  expect(done.stats.triangles).toBeLessThanOrEqual(Math.ceil(raw.stats.triangles * 0.2) + 2);
  // print-ready: no triangle passes through another after smoothing + decimation
  expect(selfIntersections(done.mesh)).toEqual([]);
});
