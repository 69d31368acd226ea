import { ORIENTATION_PRESETS } from '../../geometry';
import { extractSurface, labelmapSource } from '../extractSurface';
import { meshTopology } from '../meshStats';
import { hollowSphereMask, maskFromFunction, sphereMask } from '../testing/shapes';
import type { Labelmap, SpacingMm } from '../types';
import { squaredDistanceMm2 } from './distance';
import { fillHoles, fillHolesSlices, islandSizes, keepLargestIsland, largestIslandInRange, largestIslandSlices, removeSmallIslands } from './islands';
import { closeMask, growMask, hollowMask, openMask, shrinkMask } from './morphology';
import { parseThreshold, thresholdMask } from './threshold';

const count = (m: Labelmap) => m.voxels.reduce((a, v) => a + (v ? 1 : 0), 0);
const ml = (m: Labelmap) => (count(m) * m.spacingMm[0] * m.spacingMm[1] * m.spacingMm[2]) / 1000;

test('threshold is inclusive at both ends (255 stays in 200:255)', () => {
  expect(Array.from(thresholdMask(Uint8Array.of(0, 199, 200, 254, 255), 200, 255))).toEqual([0, 0, 1, 1, 1]);
  expect(Array.from(thresholdMask(Uint16Array.of(10, 4000), 100))).toEqual([0, 1]);
  expect(parseThreshold('100:255')).toEqual([100, 255]);
  expect(parseThreshold('50')).toEqual([50, Infinity]);
  expect(() => parseThreshold('9:3')).toThrow(/low is above high/);
  expect(() => parseThreshold('abc')).toThrow(/<low>:<high>/);
});

describe('islands', () => {
  // 5×5×5: a 2×2×2 block, a single voxel touching it only at a corner, and one far voxel.
  const dims: [number, number, number] = [5, 5, 5];
  const at = (i: number, j: number, k: number) => i + 5 * (j + 5 * k);
  const voxels = new Uint8Array(125);
  for (const [i, j, k] of [[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1], [2, 2, 2], [4, 4, 4]]) voxels[at(i, j, k)] = 1;
  const mask: Labelmap = { dims, spacingMm: [1, 2, 3], voxels };

  test('largest island: 6-connectivity drops the corner-touching voxel, 26 keeps it', () => {
    expect(count(keepLargestIsland(mask))).toBe(8);
    expect(count(keepLargestIsland(mask, { connectivity: 26 }))).toBe(9);
  });

  test('remove islands under a volume in mL, with anisotropic voxels (6 mm³ each)', () => {
    expect(count(removeSmallIslands(mask, 0.006))).toBe(10); // single voxels are exactly 0.006 mL
    expect(count(removeSmallIslands(mask, 0.0061))).toBe(8);
    expect(count(removeSmallIslands(mask, 0.0061, { connectivity: 26 }))).toBe(9);
    expect(count(keepLargestIsland({ ...mask, voxels: new Uint8Array(125) }))).toBe(0);
  });

  test('fill holes fills a closed cavity but not a dent open to the outside', () => {
    const sp: SpacingMm = [0.5, 0.5, 0.5];
    const hollow = hollowSphereMask([30, 30, 30], sp, [7.5, 7.5, 7.5], 6, 3);
    const full = sphereMask([30, 30, 30], sp, [7.5, 7.5, 7.5], 6);
    expect(count(fillHoles(hollow))).toBe(count(full));
    // A cup: the same hollow ball with a channel from the cavity out through the top.
    const cup = { ...hollow, voxels: hollow.voxels.slice() };
    for (let k = 15; k < 30; k++) cup.voxels[15 + 30 * (15 + 30 * k)] = 0;
    expect(count(fillHoles(cup))).toBe(count(cup));
  });
});

test('distance transform matches brute force with anisotropic spacing', () => {
  const dims: [number, number, number] = [7, 5, 4];
  const sp: SpacingMm = [0.4, 1.3, 2.1];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const vox = new Uint8Array(140).map(() => (rand() < 0.08 ? 1 : 0));
  const d = squaredDistanceMm2(vox, dims, sp, 1);
  for (let k = 0; k < 4; k++)
    for (let j = 0; j < 5; j++)
      for (let i = 0; i < 7; i++) {
        let best = Infinity;
        for (let c = 0; c < 4; c++)
          for (let b = 0; b < 5; b++)
            for (let a = 0; a < 7; a++) {
              if (!vox[a + 7 * (b + 5 * c)]) continue;
              best = Math.min(best, ((a - i) * sp[0]) ** 2 + ((b - j) * sp[1]) ** 2 + ((c - k) * sp[2]) ** 2);
            }
        expect(d[i + 7 * (j + 5 * k)]).toBeCloseTo(best, 4);
      }
});

describe('margins in millimetres on anisotropic voxels', () => {
  const sp: SpacingMm = [0.3, 0.4, 0.5];
  const dims: [number, number, number] = [80, 60, 50];
  const c: [number, number, number] = [12, 12, 12];
  const ball = (r: number) => sphereMask(dims, sp, c, r);

  // Radius of the ball with the same volume as a mask, mm.
  const radius = (m: Labelmap) => Math.cbrt((3 * ml(m) * 1000) / (4 * Math.PI));

  test('grow by 2 mm turns a 6 mm ball into an 8 mm ball; shrink by 2 mm into a 4 mm ball (within a voxel)', () => {
    expect(Math.abs(radius(growMask(ball(6), 2)) - 8)).toBeLessThan(sp[0]);
    expect(Math.abs(radius(shrinkMask(ball(6), 2)) - 4)).toBeLessThan(sp[0]);
    expect(Math.abs(radius(ball(6)) - 6)).toBeLessThan(0.05);
    expect(count(growMask(ball(6), 0))).toBe(count(ball(6)));
  });

  test('opening removes a thin spur; closing fills a narrow gap', () => {
    const spur = maskFromFunction(dims, sp, (x, y, z) => (x - 12) ** 2 + (y - 12) ** 2 + (z - 12) ** 2 <= 36 || (Math.abs(y - 12) < 0.5 && Math.abs(z - 12) < 0.6 && x > 12 && x < 22));
    expect(count(openMask(spur, 1))).toBeLessThan(count(spur));
    expect(count(openMask(spur, 1))).toBeGreaterThan(0.97 * count(ball(6)));
    const opened = openMask(spur, 1);
    const i20 = Math.round(20 / sp[0]);
    const j12 = Math.round(12 / sp[1]);
    const k12 = Math.round(12 / sp[2]);
    expect(spur.voxels[i20 + 80 * (j12 + 60 * k12)]).toBe(1);
    expect(opened.voxels[i20 + 80 * (j12 + 60 * k12)]).toBe(0);
    const split = maskFromFunction(dims, sp, (x, y, z) => (x - 12) ** 2 + (y - 12) ** 2 + (z - 12) ** 2 <= 36 && Math.abs(x - 12) > 0.4);
    const closed = closeMask(split, 1);
    expect(closed.voxels[Math.round(12 / sp[0]) + 80 * (j12 + 60 * k12)]).toBe(1);
    expect(count(closed)).toBeGreaterThanOrEqual(count(split));
  });

  test('hollow: an airway running off both ends of the stack becomes an open tube (genus 1 once capped)', () => {
    const airway = maskFromFunction(dims, sp, (x, y) => (x - 12) ** 2 + (y - 12) ** 2 <= 9);
    const tube = hollowMask(airway, 1.5, 'outside');
    for (let i = 0; i < tube.voxels.length; i++) if (airway.voxels[i]) expect(tube.voxels[i]).toBe(0);
    const g = { pixelSpacingXMm: sp[0], pixelSpacingYMm: sp[1], sliceSpacingMm: sp[2], originMm: [0, 0, 0] as [number, number, number], orientation: [...ORIENTATION_PRESETS.axial] as [number, number, number, number, number, number] };
    // The tube wall is one part with a through-hole: χ = 0.
    expect(meshTopology(extractSurface(labelmapSource(tube), g))).toMatchObject({ watertight: true, eulerCharacteristic: 0, parts: 1 });
    const shell = hollowMask(ball(6), 1, 'inside');
    expect(meshTopology(extractSurface(labelmapSource(shell), g))).toMatchObject({ watertight: true, eulerCharacteristic: 4, parts: 2 });
    expect(() => hollowMask(ball(6), 0.45)).toThrow(/thinner than the 0.5 mm voxel spacing/);
  });
});

test('run-based components match a voxel flood fill for 6, 18 and 26 connectivity (random masks)', () => {
  const dims: [number, number, number] = [9, 8, 7];
  const [nx, ny, nz] = dims;
  let seed = 4242;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const bfsSizes = (vox: Uint8Array, conn: number) => {
    const seen = new Uint8Array(vox.length);
    const sizes: number[] = [];
    for (let s = 0; s < vox.length; s++) {
      if (!vox[s] || seen[s]) continue;
      let size = 0;
      const stack = [s];
      seen[s] = 1;
      while (stack.length) {
        const v = stack.pop()!;
        size++;
        const i = v % nx, j = Math.floor(v / nx) % ny, k = Math.floor(v / (nx * ny));
        for (let dk = -1; dk <= 1; dk++)
          for (let dj = -1; dj <= 1; dj++)
            for (let di = -1; di <= 1; di++) {
              const m = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
              if (m === 0 || (conn === 6 && m > 1) || (conn === 18 && m > 2)) continue;
              const a = i + di, b = j + dj, c = k + dk;
              if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
              const w = a + nx * (b + ny * c);
              if (vox[w] && !seen[w]) {
                seen[w] = 1;
                stack.push(w);
              }
            }
      }
      sizes.push(size);
    }
    return sizes.sort((a, b) => b - a);
  };
  for (let trial = 0; trial < 15; trial++) {
    const voxels = new Uint8Array(nx * ny * nz).map(() => (rand() < 0.3 ? 1 : 0));
    for (const conn of [6, 18, 26] as const) {
      expect(islandSizes({ dims, spacingMm: [1, 1, 1], voxels }, { connectivity: conn })).toEqual(bfsSizes(voxels, conn));
    }
  }
});

test('largest island straight from grey values equals threshold then keepLargestIsland', () => {
  const dims: [number, number, number] = [12, 10, 8];
  let seed = 77;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const grey = new Uint16Array(12 * 10 * 8).map(() => Math.floor(rand() * 1000));
  for (const conn of [6, 26] as const) {
    const a = largestIslandInRange(grey, dims, [300, 900], { connectivity: conn });
    const b = keepLargestIsland({ dims, spacingMm: [1, 1, 1], voxels: thresholdMask(grey, 300, 900) }, { connectivity: conn }).voxels;
    expect(Array.from(a)).toEqual(Array.from(b));
  }
});

test('largest island as slices painted from runs equals the in-memory version', () => {
  const dims: [number, number, number] = [11, 9, 7];
  let seed = 5;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const grey = new Uint8Array(11 * 9 * 7).map(() => Math.floor(rand() * 256));
  const n = 11 * 9;
  const slices = largestIslandSlices({ dims, getSlice: k => grey.subarray(k * n, (k + 1) * n) }, { range: [100, 255], connectivity: 26 });
  const whole = largestIslandInRange(grey, dims, [100, 255], { connectivity: 26 });
  for (let k = 0; k < 7; k++) expect(Array.from(slices.getSlice(k))).toEqual(Array.from(whole.subarray(k * n, (k + 1) * n)));
});

test('grow and shrink by runs equal the thresholded distance transform (anisotropic spacing)', () => {
  const dims: [number, number, number] = [13, 11, 9];
  let seed = 31;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (const sp of [[0.5, 0.5, 1] as SpacingMm, [0.4, 0.7, 1.1] as SpacingMm]) {
    for (const margin of [0.5, 1, 1.4, 2.2]) {
      const voxels = new Uint8Array(13 * 11 * 9).map(() => (rand() < 0.15 ? 1 : 0));
      const mask: Labelmap = { dims, spacingMm: sp, voxels };
      const limit = margin * margin * (1 + 1e-9);
      const toFg = squaredDistanceMm2(voxels, dims, sp, 1);
      const toBg = squaredDistanceMm2(voxels, dims, sp, 0);
      const grown = growMask(mask, margin).voxels;
      const shrunk = shrinkMask(mask, margin).voxels;
      // The transform stores float32, so a distance of exactly the margin (1.4 = 2 × 0.7) can
      // land either side of it there: compare away from such ties.
      const tie = (d: number) => Math.abs(d - margin * margin) < 1e-5;
      for (let i = 0; i < voxels.length; i++) {
        if (!tie(toFg[i])) expect(grown[i]).toBe(toFg[i] <= limit ? 1 : 0);
        if (!tie(toBg[i])) expect(shrunk[i]).toBe(voxels[i] && !(toBg[i] <= limit) ? 1 : 0);
      }
    }
  }
});

test('a large margin (hundreds of ellipsoid rows: coverage counting) agrees with the distance transform', () => {
  const dims: [number, number, number] = [40, 36, 30];
  const sp: SpacingMm = [0.3, 0.3, 0.3];
  const m = sphereMask(dims, sp, [5, 5, 4.5], 2);
  // 2.5 mm over 0.3 mm voxels: hundreds of rows in the ellipsoid, more than 32 spans per row
  const big = growMask(m, 2.5);
  const d = squaredDistanceMm2(m.voxels, dims, sp, 1);
  for (let i = 0; i < d.length; i++) if (Math.abs(d[i] - 6.25) > 1e-4) expect(big.voxels[i]).toBe(d[i] <= 6.25 ? 1 : 0);
  expect(count(shrinkMask(big, 2.5))).toBeGreaterThan(0.9 * count(m));
});

test('fill holes on slices equals the in-memory fill holes', () => {
  const sp: SpacingMm = [0.5, 0.5, 0.5];
  const hollow = hollowSphereMask([30, 30, 30], sp, [7.5, 7.5, 7.5], 6, 3);
  const n = 30 * 30;
  const src = fillHolesSlices({ dims: hollow.dims, getSlice: k => hollow.voxels.subarray(k * n, (k + 1) * n) });
  const whole = fillHoles(hollow).voxels;
  for (let k = 0; k < 30; k++) expect(Array.from(src.getSlice(k))).toEqual(Array.from(whole.subarray(k * n, (k + 1) * n)));
});
