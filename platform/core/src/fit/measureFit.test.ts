import type { Mesh } from '../mesh/types';
import { deviceContourOnPlane } from './deviceContourOnPlane';
import { fitDevice } from './fitDevice';
import { generateTube } from './generateTube';
import { measureFit } from './measureFit';
import { prepareAnatomy, prepareDevice, rayParitySide, sideOfPoint } from './prepareMesh';
import { IDENTITY_TRANSFORM, invertRigidTransform, multiplyTransforms, placementTransform, rotationTransform, translationTransform, transformPoint, transformPositions } from './transform';

// Whole-mesh queries on meshes of 10⁵ triangles: seconds each on a loaded 2-core machine.
jest.setTimeout(120_000);

// The lumen: a solid cylinder of radius 8 mm along z from −50 to 50 (a closed surface, outward).
// Devices: solid rods (inner diameter 0) of radius 6 (fits, 2 mm clear) or 9 (1 mm too wide), 40 mm long.
const SEGMENTS = 160;
const rod = (radiusMm: number, lengthMm: number, segments = SEGMENTS): Mesh =>
  generateTube({ outerDiameterMm: 2 * radiusMm, innerDiameterMm: 0, lengthMm, segments });
const lumenMesh = (() => {
  const m = rod(8, 100);
  for (let i = 2; i < m.positions.length; i += 3) m.positions[i] -= 50;
  return m;
})();
const lumen = prepareAnatomy(lumenMesh);
const thin = prepareDevice(rod(6, 40, 128));
const wide = prepareDevice(rod(9, 40, 128));
const centred = translationTransform([0, 0, -20]);

test('coaxial: clearance is the radius difference within 0.1 mm; inside, no interference; every vertex clear', () => {
  const r = measureFit(lumen, thin, centred);
  expect(Math.abs(r.minClearanceMm - 2)).toBeLessThan(0.1);
  expect(r).toMatchObject({ deviceInside: true, interferenceMl: 0, interferenceRays: 0, anatomyClosed: true });
  expect(r.interferenceSlices).toBeUndefined();
  expect(Math.hypot(r.closestPointMm[0], r.closestPointMm[1])).toBeCloseTo(6, 3);
  expect(Math.hypot(r.closestAnatomyPointMm[0], r.closestAnatomyPointMm[1])).toBeGreaterThan(7.99);
  expect(r.vertexSignedDistanceMm.length).toBe(thin.mesh.positions.length / 3);
  expect(Math.min(...r.vertexSignedDistanceMm)).toBeCloseTo(r.minClearanceMm, 5);
  // The end-face centres are 8 mm from the wall.
  expect(Math.max(...r.vertexSignedDistanceMm)).toBeCloseTo(8, 1);
});

test('a larger device: interference volume within 2 % of π(R²−r²)L, negative clearance −1 mm, slices it spans', () => {
  const geometry = { pixelSpacingXMm: 1, pixelSpacingYMm: 1, sliceSpacingMm: 2, originMm: [-20, -20, -50] as [number, number, number], orientation: [1, 0, 0, 0, 1, 0] as [number, number, number, number, number, number] };
  const r = measureFit(lumen, wide, centred, { geometry, slices: 51 });
  const expected = (Math.PI * (81 - 64) * 40) / 1000;
  expect(Math.abs(r.interferenceMl / expected - 1)).toBeLessThan(0.02);
  expect(r.deviceInside).toBe(false);
  expect(Math.abs(r.minClearanceMm + 1)).toBeLessThan(0.1);
  expect(r.vertexSignedDistanceMm.every(d => d < 0 || d > 7)).toBe(true); // the rim outside, the end-face centres inside
  // z from −20 to 20 mm: slices (z + 50) / 2 = 15 … 35.
  expect(r.interferenceSlices).toEqual([15, 35]);
});

test('an offset device: clearance changes by the offset; a touching one interferes a little', () => {
  const r = measureFit(lumen, thin, multiplyTransforms(translationTransform([1.2, 0, 0]), centred));
  expect(Math.abs(r.minClearanceMm - 0.8)).toBeLessThan(0.1);
  expect(r.closestPointMm[0]).toBeCloseTo(7.2, 2);
  expect(r.deviceInside).toBe(true);
  const diagonal = measureFit(lumen, thin, multiplyTransforms(translationTransform([1, 1, 0]), centred));
  expect(Math.abs(diagonal.minClearanceMm - (2 - Math.SQRT2))).toBeLessThan(0.1);
  // Pushed 2.5 mm sideways: 0.5 mm into the wall; a lens-shaped sliver interferes.
  const into = measureFit(lumen, thin, multiplyTransforms(translationTransform([0, -2.5, 0]), centred));
  expect(into.deviceInside).toBe(false);
  expect(Math.abs(into.minClearanceMm + 0.5)).toBeLessThan(0.1);
  expect(into.interferenceMl).toBeGreaterThan(0);
  // Area of the lens between circles r = 6 (offset 2.5) and R = 8, times 40 mm.
  const lens = circleOutsideArea(6, 8, 2.5) * 40;
  expect(Math.abs(into.interferenceMl * 1000 / lens - 1)).toBeLessThan(0.03);
  expect(Math.abs(into.closestPointMm[1] + 8.5)).toBeLessThan(0.05);
});

test('a rotated transform: the same fit in a lumen turned the same way gives the same numbers', () => {
  const turn = multiplyTransforms(rotationTransform([1, 2, 0.5], 37, [3, -4, 5]), translationTransform([10, -20, 30]));
  const turned: Mesh = { positions: new Float32Array(lumenMesh.positions.length), triangles: lumenMesh.triangles };
  for (let v = 0; v < turned.positions.length; v += 3) turned.positions.set(transformPoint(turn, lumenMesh.positions.subarray(v, v + 3)), v);
  const a = prepareAnatomy(turned);
  const shifted = multiplyTransforms(translationTransform([1.2, 0, 0]), centred);
  const r = measureFit(a, thin, multiplyTransforms(turn, shifted));
  expect(Math.abs(r.minClearanceMm - 0.8)).toBeLessThan(0.1);
  // Anywhere on the 40 mm line of closest approach: x = 7.2, y = 0, z in −20…20 before the turn.
  const back = transformPoint(invertRigidTransform(turn), r.closestPointMm);
  expect(back[0]).toBeCloseTo(7.2, 2);
  expect(back[1]).toBeCloseTo(0, 1);
  expect(Math.abs(back[2])).toBeLessThanOrEqual(20.001);
  const w = measureFit(a, wide, multiplyTransforms(turn, centred));
  expect(Math.abs(w.interferenceMl / ((Math.PI * 17 * 40) / 1000) - 1)).toBeLessThan(0.02);
  // And a device tilted inside the straight lumen: a 40 mm rod of radius 6 tilted by θ about its centre
  // reaches the wall where its end rim does: clearance 8 − (6 cos θ + 20 sin θ).
  const theta = 3;
  const tilt = multiplyTransforms(rotationTransform([1, 0, 0], theta, [0, 0, 0]), centred);
  const t = measureFit(lumen, thin, tilt);
  const th = (theta * Math.PI) / 180;
  expect(Math.abs(t.minClearanceMm - (8 - (6 * Math.cos(th) + 20 * Math.sin(th))))).toBeLessThan(0.1);
});

test('a device entirely outside: not inside, all distances negative, interference = its whole volume', () => {
  const r = measureFit(lumen, thin, translationTransform([30, 0, -20]));
  expect(r.deviceInside).toBe(false);
  expect(r.vertexSignedDistanceMm.every(d => d < 0)).toBe(true);
  expect(r.minClearanceMm).toBeCloseTo(-(30 + 6 - 8), 1); // the farthest rim point is 28 mm out
  expect(Math.abs(r.interferenceMl / (thin.volumeMm3 / 1000) - 1)).toBeLessThan(0.02);
  // fitDevice: the same from plain meshes, the identity leaves the device where it is.
  const once = fitDevice(lumenMesh, rod(6, 40, 128), IDENTITY_TRANSFORM);
  expect(once.deviceInside).toBe(true); // z 0…40, inside the lumen's −50…50
  expect(Math.abs(once.minClearanceMm - 2)).toBeLessThan(0.1);
});

test('a hollow tube in the lumen: its bore is not device material', () => {
  const tube = prepareDevice(generateTube({ outerDiameterMm: 12, innerDiameterMm: 10, lengthMm: 40, segments: 8, axialStepMm: 40 }));
  // A coarse octagonal tube (vertices only at its ends) inside the lumen: the lumen's closest
  // approach to its flat faces is mid-face, not at a device vertex.
  const r = measureFit(lumen, tube, centred);
  // The octagon's flats are at 6·cos(π/8) from the axis, so the gap there is 8 − 5.543 = 2.457 > 2, its corners at 6.
  expect(Math.abs(r.minClearanceMm - 2)).toBeLessThan(0.01);
  expect(r.deviceInside).toBe(true);
  // Narrow lumen through the bore? A thin rod inside the tube's bore is outside the tube's material:
  const rodLumen = prepareAnatomy(rod(4, 100));
  const inBore = measureFit(rodLumen, tube, translationTransform([0, 0, 30]));
  expect(inBore.deviceInside).toBe(false);
  // The tube's material is entirely outside the 4 mm rod "lumen": the interference is its whole volume.
  expect(Math.abs(inBore.interferenceMl * 1000 / tube.volumeMm3 - 1)).toBeLessThan(0.02);
});

test('inside/outside: pseudonormal and ray parity agree on random points; a mesh with a hole falls back to parity', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 300; i++) {
    const p = [rnd() * 24 - 12, rnd() * 24 - 12, rnd() * 120 - 60];
    const exact = Math.hypot(p[0], p[1]) < 8 && Math.abs(p[2]) < 50 ? -1 : 1;
    const near = Math.abs(Math.hypot(p[0], p[1]) - 8) < 0.05 || Math.abs(Math.abs(p[2]) - 50) < 0.05;
    if (near) continue;
    expect(sideOfPoint(lumen, p[0], p[1], p[2])).toBe(exact);
    expect(rayParitySide(lumen, p[0], p[1], p[2])).toBe(exact);
  }
  const holed: Mesh = { positions: lumenMesh.positions, triangles: lumenMesh.triangles.slice(3) };
  const h = prepareAnatomy(holed);
  expect(h.closed).toBe(false);
  const r = measureFit(h, thin, centred);
  expect(r.anatomyClosed).toBe(false);
  expect(Math.abs(r.minClearanceMm - 2)).toBeLessThan(0.1);
});

test('contour on a plane: a tube cut across gives two closed loops, its outer wall and its bore; a miss gives none', () => {
  const tube = generateTube({ outerDiameterMm: 10, innerDiameterMm: 8, lengthMm: 40, segments: 64 });
  const place = placementTransform([10, 20, 30], [0, 1, 0]);
  const loops = deviceContourOnPlane(tube, place, { originMm: [0, 35, 0], normal: [0, 1, 0] });
  expect(loops.length).toBe(2);
  const radii = loops.map(l => {
    expect(l.closed).toBe(true);
    expect(l.pointsMm.length).toBe(3 * 2 * 64); // two triangles per quad of the wall, each crossed
    let r = 0;
    for (let i = 0; i < l.pointsMm.length; i += 3) {
      expect(l.pointsMm[i + 1]).toBeCloseTo(35, 4);
      r = Math.max(r, Math.hypot(l.pointsMm[i] - 10, l.pointsMm[i + 2] - 30));
    }
    return r;
  });
  expect(radii.sort()).toEqual([expect.closeTo(4, 4), expect.closeTo(5, 4)]);
  expect(deviceContourOnPlane(tube, place, { originMm: [0, 61, 0], normal: [0, 1, 0] })).toEqual([]);
  // Along its axis: the cut through a straight tube's wall is two long strips (closed loops) either side.
  const along = deviceContourOnPlane(tube, place, { originMm: [10, 0, 30.3], normal: [0, 0, 1] });
  expect(along.length).toBe(2);
  expect(along.every(l => l.closed)).toBe(true);
});

test('the reverse pass: a wall spike pointing at the middle of a big device face sets the clearance, then pokes in', () => {
  // Lumen: the box ±20 mm with its top replaced by a pyramid pointing down to an apex at z = 8.
  // Device: a cube ±5 mm (8 vertices, so nothing of it is near the apex but its top face's middle).
  const c = [-20, 20];
  const lumenPositions: number[] = [];
  for (const z of c) for (const y of c) for (const x of c) lumenPositions.push(x, y, z);
  lumenPositions.push(0, 0, 8); // 8: the apex
  const v = (x: number, y: number, z: number) => (x > 0 ? 1 : 0) + (y > 0 ? 2 : 0) + (z > 0 ? 4 : 0);
  const box = (s: number): number[] => {
    const q = (a: number, b: number, cc: number, d: number) => [a, b, cc, a, cc, d];
    return [
      ...q(v(-s, -s, -s), v(-s, s, -s), v(s, s, -s), v(s, -s, -s)), // bottom, facing −z
      ...q(v(-s, -s, -s), v(s, -s, -s), v(s, -s, s), v(-s, -s, s)), // −y
      ...q(v(s, -s, -s), v(s, s, -s), v(s, s, s), v(s, -s, s)), // +x
      ...q(v(s, s, -s), v(-s, s, -s), v(-s, s, s), v(s, s, s)), // +y
      ...q(v(-s, s, -s), v(-s, -s, -s), v(-s, -s, s), v(-s, s, s)), // −x
    ];
  };
  const top = [v(-1, -1, 1), v(1, -1, 1), 8, v(1, -1, 1), v(1, 1, 1), 8, v(1, 1, 1), v(-1, 1, 1), 8, v(-1, 1, 1), v(-1, -1, 1), 8];
  const spiky: Mesh = { positions: Float32Array.from(lumenPositions), triangles: Uint32Array.from([...box(1), ...top]) };
  const cubePositions: number[] = [];
  for (const z of [-5, 5]) for (const y of [-5, 5]) for (const x of [-5, 5]) cubePositions.push(x, y, z);
  const cubeTop = [v(-1, -1, 1), v(1, -1, 1), v(1, 1, 1), v(-1, -1, 1), v(1, 1, 1), v(-1, 1, 1)];
  const cube = prepareDevice({ positions: Float32Array.from(cubePositions), triangles: Uint32Array.from([...box(1), ...cubeTop]) });
  const a = prepareAnatomy(spiky);
  expect(a.closed && cube.closed).toBe(true);
  const r = measureFit(a, cube, IDENTITY_TRANSFORM);
  // The nearest wall to a top corner (5, 5, 5) is the pyramid's edge from (20, 20, 20) to the apex:
  // √(|(5, 5, −3)|² − ((5, 5, −3)·(20, 20, 12))² / |(20, 20, 12)|²) = 5.523 mm. The apex is 3 mm above the top face's middle.
  const e = [20, 20, 12], w = [5, 5, -3];
  const along = (w[0] * e[0] + w[1] * e[1] + w[2] * e[2]) ** 2 / (e[0] ** 2 + e[1] ** 2 + e[2] ** 2);
  expect(Math.min(...r.vertexSignedDistanceMm)).toBeCloseTo(Math.sqrt(59 - along), 4);
  expect(r.minClearanceMm).toBeCloseTo(3, 5);
  expect(r.closestPointMm.map(x => x + 0)).toEqual([0, 0, 5]);
  expect(r.closestAnatomyPointMm).toEqual([0, 0, 8]);
  expect(r.deviceInside).toBe(true);
  // Without the reverse pass (the drag mode) only the device vertices count: the spike is missed.
  const quick = measureFit(a, cube, IDENTITY_TRANSFORM, { skipReverse: true, skipInterference: true });
  expect(quick.minClearanceMm).toBeCloseTo(Math.sqrt(59 - along), 4);
  // Raised 4 mm: the apex is 1 mm inside the cube; the tissue in it is a square pyramid of height 1
  // and half-width h/0.6 at depth h: ∫(2h/0.6)² dh = 3.704 mm³.
  const up = measureFit(a, cube, translationTransform([0, 0, 4]), { interferenceCellMm: 0.1 });
  expect(up.minClearanceMm).toBeCloseTo(-1, 5);
  expect(up.deviceInside).toBe(false);
  expect(up.vertexSignedDistanceMm.every(d => d > 0)).toBe(true); // every cube corner is still inside the lumen
  expect(Math.abs((up.interferenceMl * 1000) / (4 / 0.36 / 3) - 1)).toBeLessThan(0.02);
  expect(measureFit(a, cube, translationTransform([0, 0, 4]), { skipInterference: true }).interferenceMl).toBeNaN();
});

/** Area of a disc of radius r centred at distance d from the centre of a disc of radius R, outside that disc. */
function circleOutsideArea(r: number, R: number, d: number): number {
  // area(r) − lens intersection area
  const a = r * r * Math.acos((d * d + r * r - R * R) / (2 * d * r));
  const b = R * R * Math.acos((d * d + R * R - r * r) / (2 * d * R));
  const c = 0.5 * Math.sqrt((-d + r + R) * (d + r - R) * (d - r + R) * (d + r + R));
  return Math.PI * r * r - (a + b - c);
}

test('transformPositions places every point as transformPoint does, and drops a trailing partial point', () => {
  const m = multiplyTransforms(translationTransform([-86, -95, 12.5]), rotationTransform([0.2, 1, -0.4], 33));
  const pts = new Float32Array([1, 2, 3, -4.5, 0.25, 100, 7]);
  const out = transformPositions(m, pts);
  expect(out.length).toBe(6);
  expect(Array.from(out.subarray(0, 3))).toEqual(transformPoint(m, pts.subarray(0, 3)));
  expect(Array.from(out.subarray(3, 6))).toEqual(transformPoint(m, pts.subarray(3, 6)));
});
