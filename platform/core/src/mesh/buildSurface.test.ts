import { ORIENTATION_PRESETS, type StackGeometry } from '../geometry';
import { buildSurface, buildSurfacesByLabel, labelsPresent, RefineStepError } from './buildSurface';
import { labelmapSource } from './extractSurface';
import { voxelVolumeMl } from './labelmap/voxelVolume';
import { meshSidecar } from './sidecar';
import { hollowSphereMask, sphereMask } from '../../testing/shapes';

const sp: [number, number, number] = [0.5, 0.5, 0.8];
const g: StackGeometry = { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.5, sliceSpacingMm: 0.8, originMm: [0, 0, 0], orientation: [...ORIENTATION_PRESETS.axial] };
// Two balls: label 1 on the left, label 3 on the right.
const dims: [number, number, number] = [60, 30, 25];
const left = sphereMask(dims, sp, [7, 7.5, 10], 5);
const right = sphereMask(dims, sp, [22, 7.5, 10], 4);
const voxels = left.voxels.map((v, i) => (v ? 1 : right.voxels[i] ? 3 : 0));
const source = labelmapSource({ dims, voxels });

test('labels present, one surface per label, or merged', () => {
  expect(labelsPresent(source)).toEqual([1, 3]);
  const each = buildSurfacesByLabel(source, g, { smoothIterations: 10 });
  expect(each.map(e => [e.label, e.stats.parts, e.stats.watertight, e.stats.oriented])).toEqual([
    [1, 1, true, true],
    [3, 1, true, true],
  ]);
  expect(each[0].stats.volume_mL).toBeGreaterThan(each[1].stats.volume_mL);
  const merged = buildSurface(source, g);
  expect(merged.stats.parts).toBe(2);
  expect(merged.stats.volume_mL).toBeCloseTo(each[0].stats.volume_mL + each[1].stats.volume_mL, 1);
});

test('operations record what was done, and progress reaches 1', () => {
  const seen: number[] = [];
  const r = buildSurface(source, g, { range: [3, 3], smoothIterations: 15, decimate: 0.5, frame: 'RAS', onProgress: f => seen.push(f) });
  expect(r.operations.map(o => o.op)).toEqual(['extract', 'smooth', 'decimate']);
  expect(r.operations[0]).toMatchObject({ range: [3, 3], frame: 'RAS' });
  expect(seen[seen.length - 1]).toBe(1);
  expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
  const side = meshSidecar({ files: ['a.stl'], inputs: ['folder'], geometry: g, dims, threshold: [3, Infinity], operations: r.operations, stats: r.stats, frame: 'RAS', created: '2026-01-01T00:00:00.000Z' });
  const json = JSON.parse(JSON.stringify(side));
  expect(json).toMatchObject({ software: 'ImageStack', units: 'mm', frame: 'RAS', threshold: [3, null], dims: [60, 30, 25], stats: { triangles: r.stats.triangles } });
});

test('largest island and fill holes inside buildSurface (slices painted from runs, no volume copy)', () => {
  // a hollow ball (label 2) plus a small separate ball (label 2)
  const hollow = hollowSphereMask(dims, sp, [7, 7.5, 10], 5, 2.5);
  const small = sphereMask(dims, sp, [22, 7.5, 10], 2);
  const lm = hollow.voxels.map((v, i) => (v || small.voxels[i] ? 2 : 0));
  const src = labelmapSource({ dims, voxels: lm });
  expect(buildSurface(src, g, { range: [2, 2] }).stats.parts).toBe(3); // outer, cavity, small ball
  expect(buildSurface(src, g, { range: [2, 2] }).stats).toMatchObject({ solids: 2, cavities: 1 });
  const cleaned = buildSurface(src, g, { range: [2, 2], refine: [{ op: 'largestIsland' }, { op: 'fillHoles', mode: '3d' }] });
  expect(cleaned.stats).toMatchObject({ parts: 1, solids: 1, cavities: 0, watertight: true, oriented: true });
  expect(cleaned.operations.map(o => o.op)).toEqual(['largestIsland', 'fillHoles', 'extract']);
  expect(cleaned.operations[0]).toMatchObject({ connectivity: 6, range: [2, 2] });
  expect(cleaned.operations[1]).toMatchObject({ mode: '3d', range: [1, 1] });
  // the volume after each step, in mL
  const voxelMl = voxelVolumeMl(g);
  expect(cleaned.operations[0].volumeAfter_mL).toBeCloseTo(hollow.voxels.reduce((a, v) => a + v, 0) * voxelMl, 9);
  const ball = sphereMask(dims, sp, [7, 7.5, 10], 5);
  expect(cleaned.operations[1].volumeAfter_mL).toBeCloseTo(ball.voxels.reduce((a, v) => a + v, 0) * voxelMl, 9);
  const solid = buildSurface(labelmapSource(ball), g);
  expect(cleaned.stats.volume_mL).toBeCloseTo(solid.stats.volume_mL, 6);
});

test('removeIslandsBelow drops islands under the volume, keeps the rest; steps run in the order given', () => {
  const big = sphereMask(dims, sp, [7, 7.5, 10], 5); // ≈ 0.52 mL
  const small = sphereMask(dims, sp, [22, 7.5, 10], 2); // ≈ 0.034 mL
  const lm = big.voxels.map((v, i) => (v || small.voxels[i] ? 1 : 0));
  const src = labelmapSource({ dims, voxels: lm });
  expect(buildSurface(src, g, { refine: [{ op: 'removeIslandsBelow', minMl: 0.01 }] }).stats.parts).toBe(2);
  const r = buildSurface(src, g, { refine: [{ op: 'removeIslandsBelow', minMl: 0.1 }] });
  expect(r.stats.parts).toBe(1);
  expect(r.operations[0]).toMatchObject({ op: 'removeIslandsBelow', minMl: 0.1, connectivity: 6, range: [1, null] });
  // grown by 4.5 mm first, the two balls (8 mm apart) touch and are one island that stays
  const grownFirst = buildSurface(src, g, { refine: [{ op: 'margin', mm: 4.5 }, { op: 'removeIslandsBelow', minMl: 0.1 }] });
  expect(grownFirst.stats.parts).toBe(1);
  expect(grownFirst.operations.map(o => o.op)).toEqual(['margin', 'removeIslandsBelow', 'extract']);
  expect(grownFirst.operations[1].volumeAfter_mL).toBe(grownFirst.operations[0].volumeAfter_mL);
  const keptAt = buildSurface(src, g, { refine: [{ op: 'keepIslandAt', voxel: [44, 15, 12] }] });
  expect(keptAt.operations[0]).toMatchObject({ op: 'keepIslandAt', voxel: [44, 15, 12] });
  expect(keptAt.stats.volume_mL).toBeLessThan(0.05);
});

test('margin and hollow inside buildSurface: an airway printed as a tube open at both ends', () => {
  const tubeDims: [number, number, number] = [40, 40, 30];
  const airway = new Uint8Array(40 * 40 * 30);
  for (let k = 0; k < 30; k++) for (let j = 0; j < 40; j++) for (let i = 0; i < 40; i++) if ((i * 0.5 - 10) ** 2 + (j * 0.5 - 10) ** 2 <= 16) airway[i + 40 * (j + 40 * k)] = 7;
  const src = labelmapSource({ dims: tubeDims, voxels: airway });
  const tube = buildSurface(src, g, { range: [7, 7], refine: [{ op: 'hollow', mm: 1.6, side: 'outside' }], smoothIterations: 10 });
  expect(tube.stats).toMatchObject({ watertight: true, oriented: true, parts: 1, solids: 1, cavities: 0 });
  expect(tube.operations[0]).toMatchObject({ op: 'hollow', mm: 1.6, side: 'outside', range: [7, 7] });
  expect(tube.operations.map(o => o.op)).toEqual(['hollow', 'extract', 'smooth']);
  // the wall is ring-shaped: its bounding box is the airway's plus about the wall each side
  expect(tube.stats.bbox_mm[3] - tube.stats.bbox_mm[0]).toBeGreaterThan(8 + 2 * 1.2);
  const grown = buildSurface(src, g, { range: [7, 7], refine: [{ op: 'margin', mm: 1 }] }).stats.volume_mL;
  const plain = buildSurface(src, g, { range: [7, 7] }).stats.volume_mL;
  const shrunk = buildSurface(src, g, { range: [7, 7], refine: [{ op: 'margin', mm: -1 }] }).stats.volume_mL;
  expect(grown).toBeGreaterThan(plain);
  expect(shrunk).toBeLessThan(plain);
});

test('a refine step these voxels refuse is named by its index, with its own reason', () => {
  // the left ball's centre is voxel (14, 15, 12); (0, 0, 0) is background
  const steps = [{ op: 'keepIslandAt' as const, voxel: [14, 15, 12] as [number, number, number] }, { op: 'keepIslandAt' as const, voxel: [0, 0, 0] as [number, number, number] }];
  let caught: unknown;
  try {
    buildSurface(source, g, { refine: steps });
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RefineStepError);
  const e = caught as RefineStepError;
  expect(e.step).toBe(1);
  expect(e.code).toBe('bad-argument');
  expect(e.reason).toMatch(/^the point 0\.0,0\.0,0\.0 mm is not in the segment/);
  // the first step alone is fine
  expect(buildSurface(source, g, { refine: steps.slice(0, 1) }).stats.parts).toBe(1);
});
