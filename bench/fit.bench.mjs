// Device-fit benchmark (`npm run bench -- fit`): the update the viewer runs while a device moves.
// The sample (headPhantom, at twice its default resolution) → its airway (the air threshold, the
// island under the airway point) meshed and smoothed (62k triangles), then midpoint-subdivided
// once if under 200k triangles (same surface, more
// triangles: the size the target names) → a straight tube of ~50k triangles (OD 12, ID 9 mm in the
// 18 mm airway) → measureFit for N placements near the centre line (small shifts and tilts, as a
// drag makes), some of them pushed into the wall (the interference path).
// Anchors in the same run: the one-off builds (prepareAnatomy, prepareDevice) and brute force
// (every lumen triangle) for a sample of device vertices, which also checks the distances are exact.
// Prints one JSON object on stdout. FIT_BENCH_N sets N (default 40).
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const core = require(path.join(here, '../platform/core/dist/index.js'));
const log = s => process.stderr.write(`[fit] ${s}\n`);
const r2 = x => Math.round(x * 100) / 100;
const loadBefore = os.loadavg().map(r2);
const N = Number(process.env.FIT_BENCH_N ?? 40);

// 1. The lumen.
let t0 = performance.now();
const phantom = core.makeHeadPhantom({ columns: 384, rows: 480, slices: 300 });
const { stack, geometry } = phantom;
// The airway: the sample's air threshold, keeping the island under its airway point (the air
// around the head is another island), as `imagestack mesh --keep-island-at` does.
const dims = [stack.columns, stack.rows, stack.slices];
const { pointMm } = core.PHANTOM_ANATOMY.airway;
const source = { dims, getSlice: k => core.sliceView(stack, k) };
const surface = core.buildSurface(source, geometry, {
  range: core.PHANTOM_AIR_RANGE,
  refine: [{ op: 'keepIslandAt', voxel: core.voxelAtPointMm(geometry, dims, pointMm), pointMm }],
  smoothIterations: 10,
});
let lumen = surface.mesh;
const meshedTriangles = lumen.triangles.length / 3;
if (meshedTriangles < 200000) lumen = subdivide(lumen);
log(`lumen: ${meshedTriangles} triangles meshed, ${lumen.triangles.length / 3} after subdivision, ${Math.round(performance.now() - t0)} ms`);
const topo = core.meshTopology(lumen);

// 2. The device: a straight tube (OD 12, ID 9, 70 mm) in the 18 mm airway, its tip 85 mm below
// the airway's top, along +z.
const { centreMm, zTopMm, radiusMm } = core.PHANTOM_ANATOMY.airway;
const tubeParams = { outerDiameterMm: 12, innerDiameterMm: 9, lengthMm: 70, segments: 128, axialStepMm: 70 / 97 };
const device = core.generateTube(tubeParams);
const tip = [centreMm[0], centreMm[1], zTopMm - 85];

// 3. One-off builds (anchor: what an update saves by reusing them).
const time = f => {
  const s = performance.now();
  const v = f();
  return [v, performance.now() - s];
};
/** Wall and CPU time (user + system) of f: on a shared machine the CPU time is what an idle core would take. */
const timeCpu = f => {
  const c0 = process.cpuUsage();
  const [v, wall] = time(f);
  const c = process.cpuUsage(c0);
  return [v, wall, (c.user + c.system) / 1000];
};
const [anatomy, prepareAnatomyMs] = time(() => core.prepareAnatomy(lumen));
const [dev, prepareDeviceMs] = time(() => core.prepareDevice(device));
log(`prepareAnatomy ${Math.round(prepareAnatomyMs)} ms, prepareDevice ${Math.round(prepareDeviceMs)} ms`);

// 4. Placements: shifts up to ±1.5 mm and tilts up to ±2° (clear of the wall, 3 mm away when
// centred), and every fifth shifted 4 mm (1 mm into the wall: interference).
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const placements = [];
for (let i = 0; i < N; i++) {
  const into = i % 5 === 4;
  const shift = into ? [4 * Math.cos(i), 4 * Math.sin(i), 0] : [1.5 * rnd(), 1.5 * rnd(), 2 * rnd()];
  const base = core.translationTransform([tip[0] + shift[0], tip[1] + shift[1], tip[2] + shift[2]]);
  const tilt = core.rotationTransform([rnd(), rnd(), 0], into ? 0 : 2 * rnd(), [0, 0, 35]);
  placements.push({ into, transform: core.multiplyTransforms(base, tilt) });
}
// Warm-up (JIT) on two placements, then the timed updates.
core.measureFit(anatomy, dev, placements[0].transform);
core.measureFit(anatomy, dev, placements[4 % N].transform);
const clear = [], interfering = [], clearCpu = [], interferingCpu = [];
let inside = 0;
let worst;
for (const p of placements) {
  const [r, ms, cpuMs] = timeCpu(() => core.measureFit(anatomy, dev, p.transform, { geometry, slices: stack.slices }));
  (r.deviceInside ? clear : interfering).push(ms);
  (r.deviceInside ? clearCpu : interferingCpu).push(cpuMs);
  if (r.deviceInside) inside++;
  if (!worst || r.minClearanceMm < worst.minClearanceMm) worst = r;
}

// The drag mode: device vertices only (no reverse pass, no volume), on the same placements.
const dragCpu = [];
for (const p of placements) dragCpu.push(timeCpu(() => core.measureFit(anatomy, dev, p.transform, { skipReverse: true, skipInterference: true }))[2]);

// 5. Brute force for a sample of device vertices at the first placement: every lumen triangle.
const T = placements[0].transform;
const sampleCount = 64;
const out = new Float64Array(4);
const tri = anatomy.bvh.tri;
const nTri = tri.length / 9;
const first = core.measureFit(anatomy, dev, T);
let maxDiff = 0;
const [, bruteMs, bruteCpuMs] = timeCpu(() => {
  const nv = device.positions.length / 3;
  for (let s = 0; s < sampleCount; s++) {
    const v = Math.floor((s * nv) / sampleCount);
    const p = core.transformPoint(T, device.positions.subarray(3 * v, 3 * v + 3));
    let best = Infinity;
    for (let t = 0; t < nTri; t++) {
      core.closestPointOnTriangle(p[0], p[1], p[2], tri, 9 * t, out);
      if (out[3] < best) best = out[3];
    }
    maxDiff = Math.max(maxDiff, Math.abs(Math.sqrt(best) - Math.abs(first.vertexSignedDistanceMm[v])));
  }
});
const deviceVertices = device.positions.length / 3;
const median = a => (a.length ? [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] : null);
const max = a => (a.length ? Math.max(...a) : null);
const ms = x => (x === null ? null : Math.round(x * 10) / 10);

console.log(
  JSON.stringify({
    lumen: { triangles: lumen.triangles.length / 3, meshedTriangles, subdivided: meshedTriangles < 200000, watertight: topo.watertight, oriented: topo.oriented, volume_mL: r2(core.meshMeasures(lumen).volume_mL), airwayRadiusMm: radiusMm },
    device: { triangles: device.triangles.length / 3, vertices: deviceVertices, tube: tubeParams },
    updates: {
      n: N,
      inside,
      clearMedianMs: ms(median(clear)),
      clearMaxMs: ms(max(clear)),
      clearMedianCpuMs: ms(median(clearCpu)),
      clearMaxCpuMs: ms(max(clearCpu)),
      interferingMedianMs: ms(median(interfering)),
      interferingMaxMs: ms(max(interfering)),
      interferingMedianCpuMs: ms(median(interferingCpu)),
      interferingMaxCpuMs: ms(max(interferingCpu)),
      dragModeMedianCpuMs: ms(median(dragCpu)),
      dragModeMaxCpuMs: ms(max(dragCpu)),
      targetMs: 200,
      worst: { minClearanceMm: r2(worst.minClearanceMm), interferenceMl: Math.round(worst.interferenceMl * 1e4) / 1e4, interferenceSlices: worst.interferenceSlices, rays: worst.interferenceRays },
    },
    anchors: {
      prepareAnatomyMs: ms(prepareAnatomyMs),
      prepareDeviceMs: ms(prepareDeviceMs),
      bruteForcePerVertexMs: Math.round((bruteMs / sampleCount) * 1000) / 1000,
      bruteForcePerVertexCpuMs: Math.round((bruteCpuMs / sampleCount) * 1000) / 1000,
      bruteForceWholeDeviceMsEstimate: Math.round((bruteMs / sampleCount) * deviceVertices),
      bruteForceMaxDifferenceMm: maxDiff,
      toleranceMm: 0.01, // measureFit's default search tolerance: the difference stays within it
    },
    loadAverage: { before: loadBefore, after: os.loadavg().map(r2) },
  }),
);

/** 1-to-4 midpoint subdivision: the same surface (flat pieces), 4× the triangles, still closed. */
function subdivide(mesh) {
  const p = mesh.positions, t = mesh.triangles;
  const nv = p.length / 3;
  const mid = new Map();
  const pos = Array.from(p);
  const edge = (a, b) => {
    const k = a < b ? a * nv + b : b * nv + a;
    let m = mid.get(k);
    if (m === undefined) {
      m = pos.length / 3;
      pos.push((p[3 * a] + p[3 * b]) / 2, (p[3 * a + 1] + p[3 * b + 1]) / 2, (p[3 * a + 2] + p[3 * b + 2]) / 2);
      mid.set(k, m);
    }
    return m;
  };
  const tris = new Uint32Array(4 * t.length);
  let o = 0;
  for (let i = 0; i < t.length; i += 3) {
    const a = t[i], b = t[i + 1], c = t[i + 2];
    const ab = edge(a, b), bc = edge(b, c), ca = edge(c, a);
    tris.set([a, ab, ca, ab, b, bc, ca, bc, c, ab, bc, ca], o);
    o += 12;
  }
  return { positions: Float32Array.from(pos), triangles: tris };
}
