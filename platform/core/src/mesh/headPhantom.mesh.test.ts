import { makeHeadPhantom, PHANTOM_AIR_RANGE, PHANTOM_ANATOMY } from '../sample';
import { islandCensus, refineSlices } from './labelmap/refine';
import { voxelAtPointMm } from './labelmap/voxelAtPoint';
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

// The case the product exists for: threshold air, keep the airway by a point inside it, print it
// as a hollow tube. The generator's analytic figures are what the viewer's e2e test uses too.
test('the sample airway: air is four islands; keeping the one at the airway point and hollowing 2 mm outside gives the analytic tube', () => {
  const p = makeHeadPhantom();
  const s = p.stack;
  const dims: [number, number, number] = [s.columns, s.rows, s.slices];
  const source = { dims, getSlice: (k: number) => sliceView(s, k) };
  // outside air, the airway, two sinuses
  const census = islandCensus(source, p.geometry, { range: PHANTOM_AIR_RANGE });
  expect(census.volumesMl.length).toBe(4);
  const [a, b, c] = PHANTOM_ANATOMY.sinuses.semiAxesMm;
  const sinusMl = ((4 / 3) * Math.PI * a * b * c) / 1000;
  expect(Math.abs(census.volumesMl[1] / p.airwayVolumeMl - 1)).toBeLessThan(0.02);
  for (const v of census.volumesMl.slice(2)) expect(Math.abs(v / sinusMl - 1)).toBeLessThan(0.05);

  const voxel = voxelAtPointMm(p.geometry, dims, PHANTOM_ANATOMY.airway.pointMm);
  const airway = refineSlices(source, p.geometry, { op: 'keepIslandAt', voxel }, { range: PHANTOM_AIR_RANGE });
  expect(Math.abs(airway.volumeMl / p.airwayVolumeMl - 1)).toBeLessThan(0.02);
  // a point in the soft tissue beside it is not air
  const beside = voxelAtPointMm(p.geometry, dims, [20, -45, -40]);
  expect(() => refineSlices(source, p.geometry, { op: 'keepIslandAt', voxel: beside }, { range: PHANTOM_AIR_RANGE })).toThrow(/is not in the segment \(value 90; the segment is 0–40\)/);

  const tube = buildSurface(source, p.geometry, { range: PHANTOM_AIR_RANGE, refine: [{ op: 'keepIslandAt', voxel }, { op: 'hollow', mm: 2, side: 'outside' }] });
  // open at the bottom of the stack: one closed surface around a through-hole
  expect(tube.stats).toMatchObject({ watertight: true, oriented: true, parts: 1, solids: 1, cavities: 0 });
  expect(Math.abs(tube.stats.volume_mL / p.airwayShellVolumeMl(2) - 1)).toBeLessThan(0.03);
  expect(tube.operations.map(o => o.op)).toEqual(['keepIslandAt', 'hollow', 'extract']);
});
