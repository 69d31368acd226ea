import { ORIENTATION_PRESETS, type StackGeometry } from '../geometry';
import { extractSurface, extractSurfaceVoxels, labelmapSource } from './extractSurface';
import { meshMeasures, meshTopology } from './meshStats';
import { boredSphereMask, hollowSphereMask, sphereMask, torusMask } from './testing/shapes';
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
  test('bored sphere (napkin ring) and torus: genus 1, χ = 0', () => {
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
