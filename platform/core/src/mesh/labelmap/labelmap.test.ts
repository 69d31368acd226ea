import { ImageStackError } from '../../errors';
import { indexToPatient, ORIENTATION_PRESETS, type StackGeometry } from '../../geometry';
import { hollowSphereMask, maskFromFunction, sphereMask } from '../../../testing/shapes';
import { extractSurface, labelmapSource } from '../extractSurface';
import { meshMeasures, meshStats, meshTopology } from '../meshStats';
import type { Labelmap, SliceSource, SpacingMm } from '../types';
import { islandCensus, refineSlices, type RefineStep } from './refine';
import { parseThreshold } from './threshold';
import { voxelAtPointMm } from './voxelAtPoint';
import { voxelVolumeMl } from './voxelVolume';

const axial = [...ORIENTATION_PRESETS.axial] as StackGeometry['orientation'];
const geometryOf = (sp: SpacingMm, originMm: [number, number, number] = [0, 0, 0]): StackGeometry => ({
  pixelSpacingXMm: sp[0],
  pixelSpacingYMm: sp[1],
  sliceSpacingMm: sp[2],
  originMm,
  orientation: axial,
});

/** Every voxel of a SliceSource, as one array (tests only). */
function voxelsOf(source: SliceSource): Uint8Array {
  const [nx, ny, nz] = source.dims;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) out.set(source.getSlice(k).subarray(0, nx * ny) as Uint8Array, k * nx * ny);
  return out;
}
const count = (v: ArrayLike<number>) => {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i]) n++;
  return n;
};
const refine = (m: Pick<Labelmap, 'dims' | 'voxels'>, g: StackGeometry, step: RefineStep, range?: [number, number]) => refineSlices(labelmapSource(m), g, step, { range });

test('parseThreshold: inclusive lo:hi, lo alone is lo and above', () => {
  expect(parseThreshold('100:255')).toEqual([100, 255]);
  expect(parseThreshold('50')).toEqual([50, Infinity]);
  expect(() => parseThreshold('9:3')).toThrow(/low is above high/);
  expect(() => parseThreshold('abc')).toThrow(/<low>:<high>/);
});

test('voxelVolumeMl is x · y · slice spacing in mL', () => {
  expect(voxelVolumeMl(geometryOf([0.5, 0.8, 1.3]))).toBeCloseTo(0.00052, 12);
});

describe('voxelAtPointMm', () => {
  const g = geometryOf([0.5, 0.8, 1.3], [-10, 20, 30]);
  const dims: [number, number, number] = [20, 10, 8];
  test('the nearest voxel centre, with non-square voxels and a non-zero origin', () => {
    expect(voxelAtPointMm(g, dims, [-10, 20, 30])).toEqual([0, 0, 0]);
    expect(voxelAtPointMm(g, dims, indexToPatient(g, [7, 3, 5]))).toEqual([7, 3, 5]);
    expect(voxelAtPointMm(g, dims, [-10 + 7 * 0.5 + 0.24, 20 + 3 * 0.8 - 0.39, 30 + 5 * 1.3 + 0.6])).toEqual([7, 3, 5]);
    // half a voxel beyond the outer centre is still inside
    expect(voxelAtPointMm(g, dims, [-10 - 0.24, 20, 30])).toEqual([0, 0, 0]);
  });
  test('a coronal stack maps back too', () => {
    const cor: StackGeometry = { ...g, orientation: [...ORIENTATION_PRESETS.coronal] as StackGeometry['orientation'] };
    expect(voxelAtPointMm(cor, dims, indexToPatient(cor, [4, 9, 2]))).toEqual([4, 9, 2]);
  });
  test('outside the volume: bad-argument naming the point and the extent in mm', () => {
    let e: unknown;
    try {
      voxelAtPointMm(g, dims, [0, 0, 0]);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ImageStackError);
    expect((e as ImageStackError).code).toBe('bad-argument');
    expect((e as ImageStackError).message).toBe('the point 0.0,0.0,0.0 mm is outside the volume, which spans x -10.3 to -0.3, y 19.6 to 27.6, z 29.4 to 39.8 mm (LPS)');
    expect(() => voxelAtPointMm(g, dims, [NaN, 0, 0])).toThrow(/three finite millimetre values/);
  });
});

describe('islands', () => {
  // Two balls joined by nothing (0.5 × 0.8 × 1.3 mm voxels, a non-zero origin).
  const sp: SpacingMm = [0.5, 0.8, 1.3];
  const g = geometryOf(sp, [-40, 12, -7]);
  const dims: [number, number, number] = [60, 30, 20];
  const left = sphereMask(dims, sp, [8, 12, 12], 6);
  const right = sphereMask(dims, sp, [22, 12, 12], 4);
  const both = { dims, voxels: left.voxels.map((v, i) => (v ? 200 : right.voxels[i] ? 210 : 30)) };

  test('keep the island at a point: only the ball under it stays, by a point in mm', () => {
    const atRight = voxelAtPointMm(g, dims, [-40 + 22, 12 + 12, -7 + 12]);
    const kept = refine(both, g, { op: 'keepIslandAt', voxel: atRight }, [100, 255]);
    expect(Array.from(voxelsOf(kept))).toEqual(Array.from(right.voxels));
    expect(kept.volumeMl).toBeCloseTo(count(right.voxels) * voxelVolumeMl(g), 12);
    const atLeft = refine(both, g, { op: 'keepIslandAt', voxel: voxelAtPointMm(g, dims, [-40 + 8, 24, 5]) }, [100, 255]);
    expect(Array.from(voxelsOf(atLeft))).toEqual(Array.from(left.voxels));
  });

  test('keep the island at a background point: bad-argument saying the point and its value', () => {
    const voxel = voxelAtPointMm(g, dims, [-40 + 15, 24, 5]);
    const at = indexToPatient(g, voxel);
    expect(() => refine(both, g, { op: 'keepIslandAt', voxel }, [100, 255])).toThrow(
      new ImageStackError('bad-argument', `the point ${at.map(v => v.toFixed(1)).join(',')} mm is not in the segment (value 30; the segment is 100–255)`),
    );
    expect(() => refine(both, g, { op: 'keepIslandAt', voxel, pointMm: [-25, 24, 5] }, [100, 255])).toThrow(/^the point -25.0,24.0,5.0 mm is not in the segment \(value 30; the segment is 100–255\)$/);
    const binary = { dims, voxels: both.voxels.map(v => (v > 100 ? 1 : 0)) };
    expect(() => refine(binary, g, { op: 'keepIslandAt', voxel })).toThrow(/is not in the segment \(value 0\)$/);
    expect(() => refine(binary, g, { op: 'keepIslandAt', voxel: [60, 0, 0] })).toThrow(/is outside the 60×30×20 volume/);
  });

  test('largest island, remove islands below N mL, and the census that previews them', () => {
    expect(Array.from(voxelsOf(refine(both, g, { op: 'largestIsland' }, [100, 255])))).toEqual(Array.from(left.voxels));
    const census = islandCensus(labelmapSource(both), g, { range: [100, 255] });
    expect(census.volumesMl).toEqual([count(left.voxels) * voxelVolumeMl(g), count(right.voxels) * voxelVolumeMl(g)]);
    const cut = (census.volumesMl[0] + census.volumesMl[1]) / 2;
    expect(Array.from(voxelsOf(refine(both, g, { op: 'removeIslandsBelow', minMl: cut }, [100, 255])))).toEqual(Array.from(left.voxels));
    // an island of exactly the limit stays
    expect(count(voxelsOf(refine(both, g, { op: 'removeIslandsBelow', minMl: census.volumesMl[1] }, [100, 255])))).toBe(count(left.voxels) + count(right.voxels));
    expect(islandCensus(labelmapSource({ dims, voxels: new Uint8Array(left.voxels.length) }), g).volumesMl).toEqual([]);
    expect(count(voxelsOf(refine({ dims, voxels: new Uint8Array(left.voxels.length) }, g, { op: 'largestIsland' })))).toBe(0);
  });

  test('islands are 6-connected: touching at an edge or corner is two islands', () => {
    const d: [number, number, number] = [4, 4, 4];
    const v = new Uint8Array(64);
    v[0] = 1; // (0,0,0)
    v[1 + 4 * 1] = 1; // (1,1,0): an edge away
    v[2 + 4 * (2 + 4 * 1)] = 1; // (2,2,1): a corner away from (1,1,0)
    v[1] = 1; // (1,0,0): joins (0,0,0) and (1,1,0) through faces
    expect(islandCensus(labelmapSource({ dims: d, voxels: v }), geometryOf([1, 1, 1])).volumesMl).toEqual([0.003, 0.001]);
  });

  test('run-based islands match a voxel flood fill on random masks', () => {
    const d: [number, number, number] = [9, 8, 7];
    const [nx, ny, nz] = d;
    let seed = 4242;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const flood = (vox: Uint8Array) => {
      const seen = new Uint8Array(vox.length);
      const sizes: number[] = [];
      for (let s = 0; s < vox.length; s++) {
        if (!vox[s] || seen[s]) continue;
        let size = 0;
        const stack = [s];
        seen[s] = 1;
        while (stack.length) {
          const w = stack.pop()!;
          size++;
          const i = w % nx, j = Math.floor(w / nx) % ny, k = Math.floor(w / (nx * ny));
          for (const [a, b, c] of [[i - 1, j, k], [i + 1, j, k], [i, j - 1, k], [i, j + 1, k], [i, j, k - 1], [i, j, k + 1]]) {
            if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
            const u = a + nx * (b + ny * c);
            if (vox[u] && !seen[u]) {
              seen[u] = 1;
              stack.push(u);
            }
          }
        }
        sizes.push(size);
      }
      return sizes.sort((a, b) => b - a);
    };
    for (let trial = 0; trial < 15; trial++) {
      const voxels = new Uint8Array(nx * ny * nz).map(() => (rand() < 0.35 ? 1 : 0));
      expect(islandCensus(labelmapSource({ dims: d, voxels }), geometryOf([10, 10, 10])).volumesMl).toEqual(flood(voxels));
    }
  });
});

describe('fill holes', () => {
  const sp: SpacingMm = [0.5, 0.5, 0.5];
  const g = geometryOf(sp);
  test('3D fills a sealed cavity but not a cup open to the outside', () => {
    const hollow = hollowSphereMask([30, 30, 30], sp, [7.5, 7.5, 7.5], 6, 3);
    const full = sphereMask([30, 30, 30], sp, [7.5, 7.5, 7.5], 6);
    expect(Array.from(voxelsOf(refine(hollow, g, { op: 'fillHoles', mode: '3d' })))).toEqual(Array.from(full.voxels));
    const cup = { ...hollow, voxels: hollow.voxels.slice() };
    for (let k = 15; k < 30; k++) cup.voxels[15 + 30 * (15 + 30 * k)] = 0;
    expect(count(voxelsOf(refine(cup, g, { op: 'fillHoles', mode: '3d' })))).toBe(count(cup.voxels));
  });

  test('2D closes a tube open at both ends (3D does not), slice by slice in the slice plane', () => {
    // A tube along z through the whole stack: ring of radii 2–4 mm, on 0.5 × 0.8 × 1.3 mm voxels.
    const tsp: SpacingMm = [0.5, 0.8, 1.3];
    const tg = geometryOf(tsp, [5, -3, 100]);
    const tube = maskFromFunction([24, 16, 10], tsp, (x, y) => {
      const r2 = (x - 6) ** 2 + (y - 6) ** 2;
      return r2 <= 16 && r2 > 4;
    });
    const rod = maskFromFunction([24, 16, 10], tsp, (x, y) => (x - 6) ** 2 + (y - 6) ** 2 <= 16);
    expect(count(voxelsOf(refine(tube, tg, { op: 'fillHoles', mode: '3d' })))).toBe(count(tube.voxels));
    const closed = refine(tube, tg, { op: 'fillHoles', mode: '2d' });
    expect(Array.from(voxelsOf(closed))).toEqual(Array.from(rod.voxels));
    expect(closed.volumeMl).toBeCloseTo(count(rod.voxels) * voxelVolumeMl(tg), 12);
    // 2D leaves a gap in the slice plane open: a C-shaped ring is not closed
    const c = { ...tube, voxels: tube.voxels.map((v, i) => (i % 24 === 12 && Math.floor(i / 24) % 16 < 6 ? 0 : v)) };
    expect(count(voxelsOf(refine(c, tg, { op: 'fillHoles', mode: '2d' })))).toBe(count(c.voxels));
  });
});

describe('margins in millimetres on non-square voxels (0.5 × 0.8 × 1.3 mm) with a non-zero origin', () => {
  const sp: SpacingMm = [0.5, 0.8, 1.3];
  const g = geometryOf(sp, [-31.5, 17.2, -240.3]);

  test('grow and shrink are the dilation and erosion by one symmetric kernel (brute force on random masks)', () => {
    const dims: [number, number, number] = [15, 13, 11];
    const [nx, ny, nz] = dims;
    const at = (i: number, j: number, k: number) => i + nx * (j + ny * k);
    let seed = 31;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const margin of [1.3, 1.6, 2.2, 3]) {
      // the kernel: what growing one voxel in the middle gives
      const one = new Uint8Array(nx * ny * nz);
      one[at(7, 6, 5)] = 1;
      const k1 = voxelsOf(refine({ dims, voxels: one }, g, { op: 'margin', mm: margin }));
      const kernel: Array<[number, number, number]> = [];
      for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (k1[at(i, j, k)]) kernel.push([i - 7, j - 6, k - 5]);
      // symmetric, and within about a voxel diagonal of the margin
      expect(kernel.every(([a, b, c]) => k1[at(7 - a, 6 - b, 5 - c)] === 1)).toBe(true);
      expect(Math.max(...kernel.map(([a, b, c]) => Math.hypot(a * sp[0], b * sp[1], c * sp[2])))).toBeLessThanOrEqual(margin * 1.6);
      expect(kernel.length).toBeGreaterThan(1);
      const voxels = new Uint8Array(nx * ny * nz).map(() => (rand() < 0.12 ? 1 : 0));
      const grown = voxelsOf(refine({ dims, voxels }, g, { op: 'margin', mm: margin }));
      const shrunk = voxelsOf(refine({ dims, voxels }, g, { op: 'margin', mm: -margin }));
      const wantGrown = new Uint8Array(voxels.length);
      const wantShrunk = new Uint8Array(voxels.length);
      for (let k = 0; k < nz; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) {
            let nearFg = false;
            let nearBg = false; // background inside the volume: the edge does not erode
            for (const [a, b, c] of kernel) {
              const x = i + a, y = j + b, z = k + c;
              if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) continue;
              if (voxels[at(x, y, z)]) nearFg = true;
              else nearBg = true;
            }
            wantGrown[at(i, j, k)] = nearFg ? 1 : 0;
            wantShrunk[at(i, j, k)] = voxels[at(i, j, k)] && !nearBg ? 1 : 0;
          }
      expect(Array.from(grown)).toEqual(Array.from(wantGrown));
      expect(Array.from(shrunk)).toEqual(Array.from(wantShrunk));
    }
  });

  test('a 2.6 mm margin moves a box face out by 2.6 mm along every axis; shrinking moves it in', () => {
    // A box of voxels 5..34 × 6..20 × 6..17: faces half a voxel beyond the outer centres.
    const dims: [number, number, number] = [40, 27, 24];
    const voxels = new Uint8Array(40 * 27 * 24);
    for (let k = 6; k < 18; k++) for (let j = 6; j < 21; j++) for (let i = 5; i < 35; i++) voxels[i + 40 * (j + 27 * k)] = 1;
    const box = (v: SliceSource) => meshMeasures(extractSurface(v, g)).bbox_mm;
    const plain = box(labelmapSource({ dims, voxels }));
    const W = 2.6; // a whole number of voxels along x (5.2) and z (2); 3.25 along y
    const grown = box(refine({ dims, voxels }, g, { op: 'margin', mm: W }));
    const shrunk = box(refine({ dims, voxels }, g, { op: 'margin', mm: -W }));
    for (let a = 0; a < 3; a++) {
      // along an axis the face can only move by whole voxels: within half a voxel of W
      expect(Math.abs(plain[a] - grown[a] - W)).toBeLessThanOrEqual(sp[a] / 2 + 1e-6);
      expect(Math.abs(grown[a + 3] - plain[a + 3] - W)).toBeLessThanOrEqual(sp[a] / 2 + 1e-6);
      expect(Math.abs(shrunk[a] - plain[a] - W)).toBeLessThanOrEqual(sp[a] / 2 + 1e-6);
    }
    expect(grown[0]).toBeCloseTo(plain[0] - 2.5, 4); // 5 voxels of 0.5 within 2.6 mm
    expect(grown[2]).toBeCloseTo(plain[2] - 2.6, 4); // 2 slices of 1.3
  });

  test('grow by W turns a ball of radius r into one of radius r + W, shrink into r − W (within 0.15 mm, an eighth of the coarsest voxel)', () => {
    const dims: [number, number, number] = [70, 44, 28];
    const ball = sphereMask(dims, sp, [17, 17, 17], 8);
    const radius = (ml: number) => Math.cbrt((3 * ml * 1000) / (4 * Math.PI));
    expect(Math.abs(radius(refine(ball, g, { op: 'margin', mm: 3 }).volumeMl) - 11)).toBeLessThan(0.15);
    expect(Math.abs(radius(refine(ball, g, { op: 'margin', mm: -3 }).volumeMl) - 5)).toBeLessThan(0.15);
    expect(Math.abs(radius(refine(ball, g, { op: 'margin', mm: 1.7 }).volumeMl) - 9.7)).toBeLessThan(0.15);
    expect(count(voxelsOf(refine(ball, g, { op: 'margin', mm: 0 })))).toBe(count(ball.voxels));
  });
});

describe('hollow', () => {
  const sp: SpacingMm = [0.5, 0.8, 1.3];
  const g = geometryOf(sp, [12, -30, 55]);
  const dims: [number, number, number] = [80, 52, 34];
  const r = 9;
  const W = 3;
  const ball = sphereMask(dims, sp, [20, 20.8, 22.1], r);
  const shell = (a: number, b: number) => ((4 / 3) * Math.PI * (b ** 3 - a ** 3)) / 1000;

  test('outside: a wall of W around the ball, the ball becomes the cavity: 4/3·π·((r+W)³−r³) within 2 %', () => {
    const wall = refine(ball, g, { op: 'hollow', mm: W, side: 'outside' });
    const v = voxelsOf(wall);
    for (let i = 0; i < v.length; i++) if (ball.voxels[i]) expect(v[i]).toBe(0);
    const mesh = extractSurface(wall, g);
    const stats = meshStats(mesh);
    expect(stats).toMatchObject({ watertight: true, oriented: true, parts: 2, solids: 1, cavities: 1 });
    expect(Math.abs(stats.volume_mL / shell(r, r + W) - 1)).toBeLessThan(0.02);
    expect(Math.abs(wall.volumeMl / shell(r, r + W) - 1)).toBeLessThan(0.02);
  });

  test('inside keeps the outer size; centre puts half the wall each side (within 2 %)', () => {
    const inside = extractSurface(refine(ball, g, { op: 'hollow', mm: W, side: 'inside' }), g);
    expect(Math.abs(meshMeasures(inside).volume_mL / shell(r - W, r) - 1)).toBeLessThan(0.02);
    const centre = extractSurface(refine(ball, g, { op: 'hollow', mm: W, side: 'centre' }), g);
    expect(Math.abs(meshMeasures(centre).volume_mL / shell(r - W / 2, r + W / 2) - 1)).toBeLessThan(0.02);
    expect(meshStats(centre)).toMatchObject({ watertight: true, solids: 1, cavities: 1 });
  });

  test('an airway running off both ends of the stack becomes an open tube (one part, genus 1)', () => {
    const airway = maskFromFunction(dims, sp, (x, y) => (x - 12) ** 2 + (y - 12) ** 2 <= 9);
    const tube = refine(airway, g, { op: 'hollow', mm: 1.5, side: 'outside' });
    expect(meshTopology(extractSurface(tube, g))).toMatchObject({ watertight: true, eulerCharacteristic: 0, parts: 1 });
  });

  test('a wall thinner than the voxels is refused, before anything is read', () => {
    const unread: SliceSource = {
      dims,
      getSlice: () => {
        throw new Error('read');
      },
    };
    expect(() => refineSlices(unread, g, { op: 'hollow', mm: 1.2, side: 'outside' })).toThrow(/a wall of 1.2 mm is thinner than the 1.3 mm voxel spacing/);
    expect(() => refineSlices(unread, g, { op: 'hollow', mm: 1.2, side: 'centre' })).toThrow(/a wall of 1.2 mm is thinner/);
    expect(() => refineSlices(unread, g, { op: 'hollow', mm: 2, side: 'middle' as 'centre' })).toThrow(/outside, inside or centre/);
    expect(() => refineSlices(unread, g, { op: 'margin', mm: NaN })).toThrow(/margin: must be a number/);
    expect(() => refineSlices(unread, g, { op: 'removeIslandsBelow', minMl: -1 })).toThrow(/≥ 0/);
    expect(() => refineSlices(unread, g, { op: 'fillHoles', mode: '4d' as '3d' })).toThrow(/3d or 2d/);
    expect(() => refineSlices(unread, g, { op: 'keepIslandAt', voxel: [1.5, 0, 0] })).toThrow(/three whole numbers/);
  });
});

test('steps chain on runs, and cancelling stops a step', () => {
  const sp: SpacingMm = [0.5, 0.5, 0.5];
  const g = geometryOf(sp);
  const hollow = hollowSphereMask([30, 30, 30], sp, [7.5, 7.5, 7.5], 6, 3);
  const filled = refineSlices(refine(hollow, g, { op: 'largestIsland' }), g, { op: 'fillHoles', mode: '3d' });
  expect(count(voxelsOf(filled))).toBe(count(sphereMask([30, 30, 30], sp, [7.5, 7.5, 7.5], 6).voxels));
  const seen: number[] = [];
  refineSlices(labelmapSource(hollow), g, { op: 'margin', mm: 1 }, { onProgress: f => seen.push(f) });
  expect(seen[seen.length - 1]).toBe(1);
  expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
  expect(() => refineSlices(labelmapSource(hollow), g, { op: 'margin', mm: 1 }, { signal: { aborted: true } })).toThrow(expect.objectContaining({ code: 'cancelled' }));
});
