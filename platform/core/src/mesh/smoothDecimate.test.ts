import { ORIENTATION_PRESETS, type StackGeometry } from '../geometry';
import { decimateMesh } from './decimateMesh';
import { extractSurface, labelmapSource } from './extractSurface';
import { meshMeasures, meshTopology } from './meshStats';
import { smoothMesh } from './smoothMesh';
import { boredSphereMask, sphereMask } from './testing/shapes';
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
  }
});

test('aggressive decimation never breaks the mesh', () => {
  const dec = decimateMesh(sphere, { reduction: 0.995 });
  expect(meshTopology(dec)).toMatchObject({ watertight: true, oriented: true, vertexManifold: true, eulerCharacteristic: 2 });
});
