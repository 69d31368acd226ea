import { closestPointOnTriangle } from './closestPointOnTriangle';
import { generateTube } from './generateTube';
import { buildTriangleBvh, BvhQuery, RayTriangle, rayT, rayTriangle } from './triangleBvh';

// A bent, cuffed tube turned off the axes: walls at every angle to the boxes, where the slabs
// (not the boxes) bound most nodes.
const mesh = generateTube({ outerDiameterMm: 12, innerDiameterMm: 8, lengthMm: 60, bendRadiusMm: 25, bendAngleDeg: 70, cuffDiameterMm: 18, segments: 48 });
{
  const c = Math.cos(0.7), s = Math.sin(0.7);
  const p = mesh.positions;
  for (let i = 0; i < p.length; i += 3) {
    const x = p[i], y = p[i + 1];
    p[i] = c * x - s * y;
    p[i + 1] = s * x + c * y;
  }
}
const bvh = buildTriangleBvh(mesh.positions, mesh.triangles);
const n = bvh.tri.length / 9;
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;

test('every node slab holds its triangles: unit normal, corners within [lo, hi]', () => {
  // the root's range is every triangle
  const nx = bvh.slabs[0], ny = bvh.slabs[1], nz = bvh.slabs[2];
  expect(Math.hypot(nx, ny, nz)).toBeCloseTo(1, 12);
  for (let i = 0; i < 9 * n; i += 3) {
    const v = nx * bvh.tri[i] + ny * bvh.tri[i + 1] + nz * bvh.tri[i + 2];
    expect(v).toBeGreaterThanOrEqual(bvh.slabs[3]);
    expect(v).toBeLessThanOrEqual(bvh.slabs[4]);
  }
});

test('closest point: exact (slack 0) equals brute force over every triangle, inside the walls and out', () => {
  const q = new BvhQuery(bvh);
  const out = new Float64Array(4);
  for (let k = 0; k < 300; k++) {
    const px = 20 * rnd(), py = 20 * rnd(), pz = 35 + 40 * rnd();
    let best = Infinity;
    for (let t = 0; t < n; t++) {
      closestPointOnTriangle(px, py, pz, bvh.tri, 9 * t, out);
      best = Math.min(best, out[3]);
    }
    q.closest(px, py, pz, Infinity, k % 2 ? q.tri : -1, 0);
    expect(q.d2).toBe(best);
    // with slack the distance may be larger, by no more than the slack
    q.closest(px, py, pz, Infinity, -1, 0.05);
    expect(Math.sqrt(q.d2) - Math.sqrt(best)).toBeLessThanOrEqual(0.05 + 1e-12);
  }
});

test('ray hits: the hierarchy finds the crossings testing every triangle finds', () => {
  const q = new BvhQuery(bvh);
  for (let k = 0; k < 200; k++) {
    const o = [20 * rnd(), 20 * rnd(), 35 + 40 * rnd()];
    const d = [rnd(), rnd(), rnd()];
    const l = Math.hypot(d[0], d[1], d[2]);
    const [dx, dy, dz] = [d[0] / l, d[1] / l, d[2] / l];
    const got = Array.from(q.hits.subarray(0, q.rayHits(o[0], o[1], o[2], dx, dy, dz, -50, 50))).sort((a, b) => a - b);
    const want: number[] = [];
    let grazed = false;
    for (let t = 0; t < n; t++) {
      const r = rayTriangle(bvh.tri, 9 * t, o[0], o[1], o[2], dx, dy, dz, -50, 50);
      if (r === RayTriangle.Hit) want.push(rayT[0]);
      if (r === RayTriangle.Graze) grazed = true;
    }
    expect(q.grazed).toBe(grazed);
    expect(got).toEqual(want.sort((a, b) => a - b));
  }
});
