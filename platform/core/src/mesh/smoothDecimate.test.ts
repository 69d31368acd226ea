import { ORIENTATION_PRESETS, type StackGeometry } from '../geometry';
import { decimateMesh } from './decimateMesh';
import { extractSurface, labelmapSource } from './extractSurface';
import { meshMeasures, meshTopology } from './meshStats';
import { smoothMesh } from './smoothMesh';
import { selfIntersections } from '../../testing/selfIntersections';
import { boredSphereMask, sphereMask } from '../../testing/shapes';
import type { SpacingMm } from './types';

const spacing: SpacingMm = [0.5, 0.6, 0.7];
const g: StackGeometry = { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.6, sliceSpacingMm: 0.7, originMm: [100, -200, 300], orientation: [...ORIENTATION_PRESETS.axial] };
const sphere = extractSurface(labelmapSource(sphereMask([60, 50, 44], spacing, [15, 15, 15], 12)), g);
const ring = extractSurface(labelmapSource(boredSphereMask([60, 50, 44], spacing, [15, 15, 15], 12, 5)), g);
const sphereVolume = (4 / 3) * Math.PI * 12 ** 3 / 1000;

test('default smoothing changes the volume by under 1 % and keeps the mesh closed and manifold', () => {
  for (const mesh of [sphere, ring]) {
    const before = meshMeasures(mesh);
    const smooth = smoothMesh(mesh);
    const after = meshMeasures(smooth);
    expect(Math.abs(after.volume_mL / before.volume_mL - 1)).toBeLessThan(0.01);
    expect(after.area_mm2).toBeLessThan(before.area_mm2); // the staircase is gone
    const topo = meshTopology(smooth);
    expect(topo).toMatchObject({ watertight: true, oriented: true, vertexManifold: true });
  }
  expect(Math.abs(meshMeasures(smoothMesh(sphere)).volume_mL / sphereVolume - 1)).toBeLessThan(0.01);
});

test('smoothing brings a voxel sphere closer to the true sphere (RMS radius error halves)', () => {
  const rms = (p: Float32Array) => {
    let sum = 0;
    for (let v = 0; v < p.length; v += 3) sum += (Math.hypot(p[v] - 115, p[v + 1] + 185, p[v + 2] - 315) - 12) ** 2;
    return Math.sqrt(sum / (p.length / 3));
  };
  expect(rms(smoothMesh(sphere).positions)).toBeLessThan(rms(sphere.positions) / 2);
});

test('decimation reaches the target and keeps the mesh closed, oriented, manifold, same genus', () => {
  for (const [mesh, chi] of [[sphere, 2], [ring, 0]] as const) {
    const smooth = smoothMesh(mesh);
    const dec = decimateMesh(smooth, { reduction: 0.9 });
    const n0 = smooth.triangles.length / 3;
    const n1 = dec.triangles.length / 3;
    expect(n1).toBeLessThanOrEqual(Math.ceil(n0 * 0.1) + 2);
    const topo = meshTopology(dec);
    expect(topo).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, eulerCharacteristic: chi, parts: 1 });
    expect(Math.abs(meshMeasures(dec).volume_mL / meshMeasures(smooth).volume_mL - 1)).toBeLessThan(0.01);
    expect(selfIntersections(dec)).toEqual([]);
  }
});

test('aggressive decimation never breaks the mesh', () => {
  const dec = decimateMesh(sphere, { reduction: 0.995 });
  expect(meshTopology(dec)).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, eulerCharacteristic: 2 });
});

test('random blobby masks: smoothing then decimation keep every piece closed, oriented, manifold, same Euler characteristic', () => {
  let seed = 99;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let trial = 0; trial < 6; trial++) {
    const dims: [number, number, number] = [16, 14, 12];
    // Random voxels, then a majority filter so pieces are blobby but still full of odd cases.
    const raw = new Uint8Array(16 * 14 * 12).map(() => (rand() < 0.45 ? 1 : 0));
    const voxels = new Uint8Array(raw.length);
    for (let k = 0; k < 12; k++)
      for (let j = 0; j < 14; j++)
        for (let i = 0; i < 16; i++) {
          let s = 0;
          for (const [a, b, c] of [[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]]) {
            const ii = i + a, jj = j + b, kk = k + c;
            if (ii >= 0 && jj >= 0 && kk >= 0 && ii < 16 && jj < 14 && kk < 12) s += raw[ii + 16 * (jj + 14 * kk)];
          }
          voxels[i + 16 * (j + 14 * k)] = s >= 4 ? 1 : 0;
        }
    const mesh = extractSurface(labelmapSource({ dims, voxels }), g);
    const before = meshTopology(mesh);
    const dec = decimateMesh(smoothMesh(mesh), { reduction: 0.8 });
    const after = meshTopology(dec);
    expect(after).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, nonManifoldEdges: 0 });
    expect(after.eulerCharacteristic).toBe(before.eulerCharacteristic);
    expect(after.parts).toBe(before.parts);
    expect(meshMeasures(dec).volume_mL).toBeGreaterThan(0);
  }
});

test('smoothing and decimation stop on a cancelled signal', () => {
  expect(() => smoothMesh(sphere, { signal: { aborted: true } })).toThrow(/cancelled/);
  expect(() => decimateMesh(sphere, { signal: { aborted: true } })).toThrow(/cancelled/);
});

test('the self-intersection finder finds a triangle pushed through another', () => {
  // two unit triangles in perpendicular planes, crossing in the middle
  const mesh = {
    positions: Float32Array.of(0, 0, 0, 2, 0, 0, 0, 2, 0, 0.5, 0.5, -1, 0.5, 0.5, 1, 1.5, -0.5, 0),
    triangles: Uint32Array.of(0, 1, 2, 3, 4, 5),
  };
  expect(selfIntersections(mesh)).toEqual([[0, 1]]);
  const apart = { positions: mesh.positions.map((v, i) => (i >= 9 && i % 3 === 2 ? v + 5 : v)), triangles: mesh.triangles };
  expect(selfIntersections(apart)).toEqual([]);
});
