import { indexToPatient, ORIENTATION_PRESETS, type StackGeometry } from '../geometry';
import { createSlabExtractor, createSurfaceExtractor, extractSurface, extractSurfaceSlab, extractSurfaceVoxels, labelmapSource, mergeSurfaceSlabs } from './extractSurface';
import { meshMeasures, meshTopology } from './meshStats';
import { denseMarchingCubes } from '../../testing/denseMarchingCubes';
import { blindBoredSphereMask, boredSphereMask, hollowSphereMask, sphereMask, torusMask } from '../../testing/shapes';
import type { CodedSlice } from './extractSurface';
import type { Labelmap, SpacingMm } from './types';

function geometryFor(spacing: SpacingMm, originMm: [number, number, number] = [0, 0, 0]): StackGeometry {
  return { pixelSpacingXMm: spacing[0], pixelSpacingYMm: spacing[1], sliceSpacingMm: spacing[2], originMm, orientation: [...ORIENTATION_PRESETS.axial] };
}

function voxelVolumeMl(m: Labelmap): number {
  let n = 0;
  for (const v of m.voxels) n += v;
  return (n * m.spacingMm[0] * m.spacingMm[1] * m.spacingMm[2]) / 1000;
}

test('a single voxel becomes a closed octahedron of the right volume', () => {
  const m: Labelmap = { dims: [1, 1, 1], spacingMm: [1, 1, 1], voxels: Uint8Array.of(1) };
  const mesh = extractSurfaceVoxels(labelmapSource(m));
  expect(mesh.triangles.length / 3).toBe(8);
  expect(mesh.positions.length / 3).toBe(6);
  const topo = meshTopology(mesh);
  expect(topo).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, eulerCharacteristic: 2, parts: 1 });
  // octahedron with vertices at ±0.5: volume 4/3 · 0.5³
  expect(meshMeasures(mesh).volume_mL * 1000).toBeCloseTo((4 / 3) * 0.125, 10);
});

test('every ambiguous pair of voxels (face, edge, corner neighbours) stays manifold', () => {
  const offsets = [[1, 0, 0], [1, 1, 0], [1, 1, 1], [0, 1, 1]];
  for (const [dx, dy, dz] of offsets) {
    const voxels = new Uint8Array(8);
    voxels[0] = 1;
    voxels[dx + 2 * dy + 4 * dz] = 1;
    const topo = meshTopology(extractSurfaceVoxels(labelmapSource({ dims: [2, 2, 2], voxels })));
    expect(topo).toMatchObject({ watertight: true, oriented: true, vertexManifold: true });
    // face neighbours join; edge and corner neighbours stay apart (6-connected foreground)
    expect(topo.parts).toBe(dx + dy + dz === 1 ? 1 : 2);
  }
});

test('random masks give closed, oriented, manifold surfaces', () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let trial = 0; trial < 20; trial++) {
    const dims: [number, number, number] = [7, 6, 5];
    const voxels = new Uint8Array(7 * 6 * 5).map(() => (rand() < 0.5 ? 1 : 0));
    const mesh = extractSurfaceVoxels(labelmapSource({ dims, voxels }));
    const topo = meshTopology(mesh);
    expect(topo).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, nonManifoldEdges: 0 });
  }
});

describe('analytic shapes at fine voxels', () => {
  const spacing: SpacingMm = [0.5, 0.6, 0.7];
  const g = geometryFor(spacing, [-20, 10, 5]);
  test('sphere: χ = 2, volume within 1 %, bbox within a voxel', () => {
    const R = 12;
    const m = sphereMask([60, 50, 44], spacing, [15, 15, 15], R);
    const mesh = extractSurface(labelmapSource(m), g);
    const topo = meshTopology(mesh);
    expect(topo).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, eulerCharacteristic: 2, parts: 1 });
    const meas = meshMeasures(mesh);
    expect(Math.abs(meas.volume_mL / ((4 / 3) * Math.PI * R ** 3 / 1000) - 1)).toBeLessThan(0.01);
    // midpoint vertices cut the voxel corners: close to, not equal to, the voxel count volume
    expect(Math.abs(meas.volume_mL / voxelVolumeMl(m) - 1)).toBeLessThan(0.005);
    const expected = [-20 + 15 - R, 10 + 15 - R, 5 + 15 - R, -20 + 15 + R, 10 + 15 + R, 5 + 15 + R];
    meas.bbox_mm.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(spacing[i % 3]));
  });
  test('hollow sphere: two closed surfaces, χ = 2 + 2 = 4', () => {
    const m = hollowSphereMask([60, 50, 44], spacing, [15, 15, 15], 12, 6);
    const topo = meshTopology(extractSurface(labelmapSource(m), g));
    expect(topo).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, eulerCharacteristic: 4, parts: 2 });
  });
  // The "(2, 2, 0) for sphere, bored sphere, torus": a bore that stops inside the ball
  // (a blind hole) keeps genus 0, so χ = 2; a bore right through (the napkin ring below) is
  // genus 1 like the torus, χ = 0. Both are tested.
  test('blind-bored sphere: genus 0, χ = 2, volume within 1 %', () => {
    const R = 12, a = 4, z0 = -3;
    const m = blindBoredSphereMask([60, 50, 44], spacing, [15, 15, 15], R, a, z0);
    const mesh = extractSurface(labelmapSource(m), g);
    expect(meshTopology(mesh)).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, eulerCharacteristic: 2, parts: 1 });
    const z1 = Math.sqrt(R * R - a * a);
    const h = R - z1;
    const removed = Math.PI * a * a * (z1 - z0) + (Math.PI * h * h * (3 * R - h)) / 3;
    const analytic = ((4 / 3) * Math.PI * R ** 3 - removed) / 1000;
    expect(Math.abs(meshMeasures(mesh).volume_mL / analytic - 1)).toBeLessThan(0.01);
  });
  test('bored-through sphere (napkin ring) and torus: genus 1, χ = 0', () => {
    const b = boredSphereMask([60, 50, 44], spacing, [15, 15, 15], 12, 5);
    const mb = extractSurface(labelmapSource(b), g);
    expect(meshTopology(mb)).toMatchObject({ watertight: true, oriented: true, eulerCharacteristic: 0, parts: 1 });
    const h = 2 * Math.sqrt(12 ** 2 - 5 ** 2);
    expect(Math.abs(meshMeasures(mb).volume_mL / (Math.PI * h ** 3 / 6 / 1000) - 1)).toBeLessThan(0.01);
    const fine: SpacingMm = [0.3, 0.35, 0.4];
    const t = torusMask([120, 100, 40], fine, [17.5, 17.5, 8], 11, 5);
    const mt = extractSurface(labelmapSource(t), geometryFor(fine));
    expect(meshTopology(mt)).toMatchObject({ watertight: true, oriented: true, eulerCharacteristic: 0, parts: 1 });
    expect(Math.abs(meshMeasures(mt).volume_mL / ((2 * Math.PI ** 2 * 11 * 25) / 1000) - 1)).toBeLessThan(0.01);
  });
});

describe('placement in patient space', () => {
  // A box of 4 × 3 × 2 voxels in a 6 × 5 × 4 volume, at columns 1–4, rows 1–3, slices 1–2.
  const dims: [number, number, number] = [6, 5, 4];
  const voxels = new Uint8Array(6 * 5 * 4);
  for (let k = 1; k <= 2; k++) for (let j = 1; j <= 3; j++) for (let i = 1; i <= 4; i++) voxels[i + 6 * (j + 5 * k)] = 1;
  const g: StackGeometry = { pixelSpacingXMm: 0.5, pixelSpacingYMm: 2, sliceSpacingMm: 3, originMm: [10, 20, 30], orientation: [...ORIENTATION_PRESETS.axial] };

  test('non-square voxels scale each axis by its own spacing (x columns, y rows, z slices)', () => {
    const meas = meshMeasures(extractSurface(labelmapSource({ dims, voxels }), g));
    // Vertices sit half a voxel outside the outer voxel centres.
    expect(meas.bbox_mm).toEqual([10 + 0.5 * 0.5, 20 + 0.5 * 2, 30 + 0.5 * 3, 10 + 4.5 * 0.5, 20 + 3.5 * 2, 30 + 2.5 * 3]);
    expect(meas.volume_mL).toBeGreaterThan(0);
  });

  test('RAS negates x and y and keeps the triangles outward (positive volume)', () => {
    const lps = extractSurface(labelmapSource({ dims, voxels }), g);
    const ras = extractSurface(labelmapSource({ dims, voxels }), g, { frame: 'RAS' });
    for (let v = 0; v < lps.positions.length; v += 3) {
      expect(ras.positions[v]).toBe(-lps.positions[v]);
      expect(ras.positions[v + 1]).toBe(-lps.positions[v + 1]);
      expect(ras.positions[v + 2]).toBe(lps.positions[v + 2]);
    }
    expect(meshMeasures(ras).volume_mL).toBeCloseTo(meshMeasures(lps).volume_mL, 12);
    expect(meshTopology(ras).oriented).toBe(true);
  });

  test('coronal and sagittal stacks stay outward-facing', () => {
    for (const o of ['coronal', 'sagittal'] as const) {
      const m = extractSurface(labelmapSource({ dims, voxels }), { ...g, orientation: [...ORIENTATION_PRESETS[o]] });
      expect(meshMeasures(m).volume_mL).toBeGreaterThan(0);
    }
  });

  test('a mask filling the whole volume still closes (zero padding at the edge)', () => {
    const full = new Uint8Array(6 * 5 * 4).fill(1);
    const m = extractSurface(labelmapSource({ dims, voxels: full }), g);
    expect(meshTopology(m)).toMatchObject({ watertight: true, oriented: true, eulerCharacteristic: 2, parts: 1 });
    expect(meshMeasures(m).bbox_mm).toEqual([10 - 0.25, 20 - 1, 30 - 1.5, 10 + 5.5 * 0.5, 20 + 4.5 * 2, 30 + 3.5 * 3]);
  });

  test('slices are read once each, in order, through getSlice', () => {
    const read: number[] = [];
    const n = 6 * 5;
    extractSurface({ dims, getSlice: k => (read.push(k), voxels.subarray(k * n, (k + 1) * n)) }, g);
    expect(read).toEqual([0, 1, 2, 3]);
  });

  test('range picks one label of a labelmap; other labels are outside', () => {
    const lm = voxels.map((v, i) => (v ? (i % 6 < 3 ? 1 : 2) : 0));
    const both = meshMeasures(extractSurface(labelmapSource({ dims, voxels: lm }), g)).volume_mL;
    const one = meshMeasures(extractSurface(labelmapSource({ dims, voxels: lm }), g, { range: [1, 1] })).volume_mL;
    const two = meshMeasures(extractSurface(labelmapSource({ dims, voxels: lm }), g, { range: [2, 2] })).volume_mL;
    expect(one).toBeGreaterThan(0);
    expect(two).toBeGreaterThan(0);
    expect(one + two).toBeLessThan(both + 1e-9); // two separate pieces lose a little at their shared face
  });

  test('an empty mask gives an empty mesh; a cancelled signal stops', () => {
    expect(extractSurface(labelmapSource({ dims, voxels: new Uint8Array(120) }), g).triangles.length).toBe(0);
    expect(() => extractSurface(labelmapSource({ dims, voxels }), g, { signal: { aborted: true } })).toThrow(/cancelled/);
  });
});

describe('transition-driven walk equals the dense reference marching cubes', () => {
  // Same vertices (as coordinates) and the same triangles, whatever the visiting order.
  const canonical = (m: { positions: Float32Array; triangles: Uint32Array }) => {
    const key = (v: number) => `${m.positions[3 * v]},${m.positions[3 * v + 1]},${m.positions[3 * v + 2]}`;
    const tris: string[] = [];
    for (let t = 0; t < m.triangles.length; t += 3) {
      const k = [key(m.triangles[t]), key(m.triangles[t + 1]), key(m.triangles[t + 2])];
      // rotate so the smallest key is first (keeps the winding)
      const r = k.indexOf([...k].sort()[0]);
      tris.push([k[r], k[(r + 1) % 3], k[(r + 2) % 3]].join(';'));
    }
    return tris.sort();
  };
  test.each([0.1, 0.5, 0.9])('random masks at density %p, with labels and a range', density => {
    let seed = Math.round(density * 1000);
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 10; trial++) {
      const dims: [number, number, number] = [9, 7, 6];
      const voxels = new Uint8Array(9 * 7 * 6).map(() => (rand() < density ? 1 + Math.floor(rand() * 3) : 0));
      for (const range of [undefined, [2, 3] as [number, number]]) {
        const fast = extractSurfaceVoxels(labelmapSource({ dims, voxels }), { range });
        const slow = denseMarchingCubes(labelmapSource({ dims, voxels }), { range });
        expect(fast.triangles.length).toBe(slow.triangles.length);
        expect(fast.positions.length).toBe(slow.positions.length);
        expect(canonical(fast)).toEqual(canonical(slow));
      }
    }
  });
  test('a shape with several runs per row (hollow sphere, torus)', () => {
    for (const m of [hollowSphereMask([30, 26, 22], [1, 1, 1], [15, 13, 11], 10, 5), torusMask([34, 34, 12], [1, 1, 1], [17, 17, 6], 11, 4)]) {
      expect(canonical(extractSurfaceVoxels(labelmapSource(m)))).toEqual(canonical(denseMarchingCubes(labelmapSource(m))));
    }
  });
});

test('an oblique stack: same volume as axial, centred where indexToPatient puts the ball centre', () => {
  const sp: SpacingMm = [0.5, 0.6, 0.7];
  const m = sphereMask([50, 44, 40], sp, [12, 12, 12], 8);
  const a = 0.4, b = 0.3;
  const orientation: StackGeometry['orientation'] = [Math.cos(a), Math.sin(a), 0, -Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  const oblique: StackGeometry = { ...geometryFor(sp, [5, -7, 11]), orientation };
  const axial = meshMeasures(extractSurface(labelmapSource(m), geometryFor(sp)));
  const mesh = extractSurface(labelmapSource(m), oblique);
  const meas = meshMeasures(mesh);
  expect(meas.volume_mL).toBeCloseTo(axial.volume_mL, 6);
  expect(meas.area_mm2).toBeCloseTo(axial.area_mm2, 3);
  // centroid of the vertices ≈ the ball centre in patient space
  const c = [0, 0, 0];
  for (let v = 0; v < mesh.positions.length; v += 3) for (let d = 0; d < 3; d++) c[d] += mesh.positions[v + d];
  const expected = indexToPatient(oblique, [12 / sp[0], 12 / sp[1], 12 / sp[2]]);
  for (let d = 0; d < 3; d++) expect(Math.abs(c[d] / (mesh.positions.length / 3) - expected[d])).toBeLessThan(0.1);
});

test('createSurfaceExtractor: slices pushed one at a time give the same mesh; misuse is refused', () => {
  const m = sphereMask([20, 18, 16], [1, 1, 1], [9, 9, 8], 6);
  const n = 20 * 18;
  const ex = createSurfaceExtractor(m.dims);
  for (let k = 0; k < 16; k++) ex.push(m.voxels.slice(k * n, (k + 1) * n));
  expect(ex.slicesPushed).toBe(16);
  const pushed = ex.finish();
  const whole = extractSurfaceVoxels(labelmapSource(m));
  expect(pushed.positions).toEqual(whole.positions);
  expect(pushed.triangles).toEqual(whole.triangles);
  expect(() => ex.push(new Uint8Array(n))).toThrow(/more than 16 slices/);
  const early = createSurfaceExtractor(m.dims);
  expect(() => early.finish()).toThrow(/0 of 16 slices pushed/);
  expect(() => early.push(new Uint8Array(5))).toThrow(/slice 0 has 5 voxels/);
});

test('every one of the 256 2×2×2 masks gives a closed, oriented, manifold surface with one part per 6-connected piece', () => {
  for (let c = 0; c < 256; c++) {
    const voxels = Uint8Array.from({ length: 8 }, (_, i) => (c >> i) & 1);
    const mesh = extractSurfaceVoxels(labelmapSource({ dims: [2, 2, 2], voxels }));
    const topo = meshTopology(mesh);
    expect(topo).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, nonManifoldEdges: 0 });
    if (c === 0) continue;
    expect(meshMeasures(mesh).volume_mL).toBeGreaterThan(0);
    // 6-connected pieces of the 2×2×2 block, counted by hand-free union of face neighbours
    const parent = [0, 1, 2, 3, 4, 5, 6, 7];
    const find = (a: number): number => (parent[a] === a ? a : (parent[a] = find(parent[a])));
    for (let a = 0; a < 8; a++)
      for (const bit of [1, 2, 4]) {
        const b = a ^ bit;
        if (voxels[a] && voxels[b]) parent[find(a)] = find(b);
      }
    const pieces = new Set([0, 1, 2, 3, 4, 5, 6, 7].filter(a => voxels[a]).map(find)).size;
    expect(topo.parts).toBe(pieces);
    expect(topo.eulerCharacteristic).toBe(2 * pieces);
  }
});

test('placing a mesh refuses a geometry without spacing (no silent 1 mm)', () => {
  const m = sphereMask([8, 8, 8], [1, 1, 1], [4, 4, 4], 2);
  const bad = { ...geometryFor([1, 1, 1]), sliceSpacingMm: undefined } as unknown as StackGeometry;
  expect(() => extractSurface(labelmapSource(m), bad)).toThrow(/slice spacing is not given/);
});

test('signed slices: negative values are outside the default range (≥ 1)', () => {
  const voxels = new Int16Array(27).fill(-500);
  voxels[13] = 300; // the centre voxel
  const n = 9;
  const mesh = extractSurfaceVoxels({ dims: [3, 3, 3], getSlice: k => voxels.subarray(k * n, (k + 1) * n) });
  expect(mesh.triangles.length / 3).toBe(8); // one voxel: an octahedron
});

describe('slab extraction (for threads) joins into exactly the single-thread mesh', () => {
  const grey = (dims: [number, number, number], seed: number) => {
    let s = seed;
    const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    return new Uint8Array(dims[0] * dims[1] * dims[2]).map(() => Math.floor(rand() * 256));
  };
  const cases: Array<{ dims: [number, number, number]; cuts: number[][] }> = [
    { dims: [9, 7, 8], cuts: [[4], [1], [7], [1, 2, 3, 4, 5, 6, 7], [3, 5]] },
    { dims: [5, 6, 2], cuts: [[1]] },
    { dims: [12, 11, 10], cuts: [[5], [2, 9]] },
  ];
  test.each(cases)('$dims', ({ dims, cuts }) => {
    const voxels = grey(dims, dims[0] * 31 + dims[2]);
    const source = labelmapSource({ dims, voxels });
    const range: [number, number] = [100, 200];
    const whole = extractSurfaceVoxels(source, { range });
    expect(whole.triangles.length).toBeGreaterThan(0);
    for (const cut of [[], ...cuts]) {
      const bounds = [0, ...cut, dims[2]];
      const slabs = bounds.slice(1).map((k1, s) => extractSurfaceSlab(dims, bounds[s], k1, k => source.getSlice(k), { range }));
      const merged = mergeSurfaceSlabs(slabs);
      expect(merged.positions).toEqual(whole.positions);
      expect(merged.triangles).toEqual(whole.triangles);
    }
  });
  test('a gap between slabs is refused', () => {
    const dims: [number, number, number] = [3, 3, 4];
    const source = labelmapSource({ dims, voxels: new Uint8Array(36).fill(1) });
    const a = extractSurfaceSlab(dims, 0, 1, k => source.getSlice(k));
    const c = extractSurfaceSlab(dims, 2, 4, k => source.getSlice(k));
    expect(() => mergeSurfaceSlabs([a, c])).toThrow(/slab 1 starts at slice 2/);
    expect(() => extractSurfaceSlab(dims, 2, 2, k => source.getSlice(k))).toThrow(/slab 2..2/);
  });
});

describe('coded slices (a BMP\'s rows read in place) give the mesh of their decoded grey', () => {
  // Rows stored bottom-up with padding, at odd and even offsets of the buffer, odd and even
  // widths, a table that is not a threshold: the two-codes-at-a-time path, its odd first and
  // last columns and the one-at-a-time path, and 24-bit groups of four grey pixels, of
  // coloured ones and of both, all meet the plain labelmap's mesh.
  const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  test.each([
    { dims: [13, 9, 7] as [number, number, number], step: 1 as const, lead: 1 },
    { dims: [16, 8, 6] as [number, number, number], step: 1 as const, lead: 2 },
    { dims: [11, 10, 5] as [number, number, number], step: 3 as const, lead: 1 },
    { dims: [11, 10, 5] as [number, number, number], step: 3 as const, lead: 4 },
    { dims: [16, 9, 5] as [number, number, number], step: 3 as const, lead: 0 },
    { dims: [8, 7, 5] as [number, number, number], step: 4 as const, lead: 0 },
  ])('$dims, $step byte(s) per pixel, rows from byte $lead', ({ dims, step, lead }) => {
    const [nx, ny, nz] = dims;
    const r = rand(nx * 97 + step);
    const inside = new Uint8Array(256).map(() => (r() < 0.5 ? 1 : 0));
    // rows at multiples of 4 bytes when `lead` is (24-bit rows four pixels at a time)
    const stride = (step * nx + 3 + 3) & ~3;
    const coded: CodedSlice[] = [];
    const voxels = new Uint8Array(nx * ny * nz);
    for (let k = 0; k < nz; k++) {
      // long runs of one code, as real slices have, with single odd pixels in between
      const bytes = new Uint8Array(lead + stride * ny + 5);
      const rowStart = new Int32Array(ny);
      let code = Math.floor(r() * 256);
      for (let j = 0; j < ny; j++) {
        rowStart[j] = lead + (ny - 1 - j) * stride;
        for (let i = 0; i < nx; i++) {
          if (r() < 0.3) code = Math.floor(r() * 256);
          const o = rowStart[j] + step * i;
          let grey = code;
          if (step === 1) bytes[o] = code;
          else {
            // even codes grey (equal channels: the grey pixels' own path), odd ones coloured
            const [b, g, rr] = code % 2 === 0 ? [code, code, code] : [code, (code * 7) & 255, 255 - code];
            bytes.set([b, g, rr], o);
            if (step === 4) bytes[o + 3] = 99;
            grey = (7471 * b + 38470 * g + 19595 * rr + 32768) >>> 16;
          }
          voxels[k * nx * ny + j * nx + i] = inside[grey];
        }
      }
      coded.push({ bytes: new Uint8Array(bytes.buffer, 0, bytes.length), rowStart, inside, step });
    }
    const whole = extractSurfaceVoxels(labelmapSource({ dims, voxels }), { range: [1, 1] });
    expect(whole.triangles.length).toBeGreaterThan(0);
    const slab = createSlabExtractor(dims, 0, nz);
    for (const c of coded) slab.push(c);
    const m = slab.finish();
    expect(m.positions).toEqual(whole.positions);
    expect(m.triangles).toEqual(whole.triangles);
  });
});
