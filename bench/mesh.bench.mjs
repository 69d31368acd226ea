// Surface export benchmark, one run each (`npm run bench -- mesh`): a 512×512×400 binary
// labelmap (an ellipsoid blob) → closed surface with our marching cubes, vtk.js
// ImageMarchingCubes and @icr/polyseg-wasm (what Cornerstone uses); then windowed-sinc
// smoothing of our mesh with ours and vtk.js WindowedSincPolyDataFilter (same mesh, same
// settings); our decimation; peak memory. Prints one JSON object on stdout.
//
// MESH_BENCH_BIG=1 adds a 1920×1080×1000 labelmap fed slice by slice (never held whole) to show
// that slab-by-slab extraction stays within memory. MESH_BENCH_SKIP_VTK=1 skips the ≈20 s vtk.js runs.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const core = require(path.join(here, '../platform/core/dist/index.js'));

const MB = 2 ** 20;
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const rssMiB = () => Math.round(process.memoryUsage().rss / MB);
const gc = () => globalThis.gc?.();
const ms = t0 => Math.round(performance.now() - t0);
const log = s => process.stderr.write(`[mesh] ${s}\n`);

const dims = [512, 512, 400];
const spacing = [0.7, 0.7, 1.0];
const geometry = { pixelSpacingXMm: spacing[0], pixelSpacingYMm: spacing[1], sliceSpacingMm: spacing[2], originMm: [-179, -179, 0], orientation: [1, 0, 0, 0, 1, 0] };
const voxelCount = dims[0] * dims[1] * dims[2];

/** An ellipsoid blob with a gently wavy surface (so cases vary), value 1 inside. */
function blobSlice(k, nx, ny, nz, out) {
  const cx = nx / 2, cy = ny / 2, cz = nz / 2;
  const rx = nx * 0.4, ry = ny * 0.36, rz = nz * 0.4;
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const x = (i - cx) / rx, y = (j - cy) / ry, z = (k - cz) / rz;
      const wobble = 0.04 * Math.sin(i * 0.11) * Math.cos(j * 0.07 + k * 0.05);
      out[i + nx * j] = x * x + y * y + z * z <= 1 + wobble ? 1 : 0;
    }
  return out;
}

const result = { labelmap: { dims, spacingMm: spacing, voxels: voxelCount } };

// The labelmap, held whole (as Cornerstone's volume would be).
let t0 = performance.now();
const volume = new Uint8Array(voxelCount);
const plane = dims[0] * dims[1];
for (let k = 0; k < dims[2]; k++) blobSlice(k, dims[0], dims[1], dims[2], volume.subarray(k * plane, (k + 1) * plane));
log(`labelmap built in ${ms(t0)} ms`);
gc();
const rssBefore = rssMiB();

// 1. Ours, fed slice by slice through getSlice (the worker path). JIT warm-up on a small
// volume first, then the median of three runs (each under a second; vtk.js gets one run).
{
  const small = [64, 64, 48];
  const s = new Uint8Array(small[0] * small[1]);
  core.extractSurface({ dims: small, getSlice: k => blobSlice(k, small[0], small[1], small[2], s) }, geometry);
}
const oursRuns = [];
let ours;
for (let run = 0; run < 3; run++) {
  ours = undefined;
  gc();
  t0 = performance.now();
  ours = core.extractSurface({ dims, getSlice: k => volume.subarray(k * plane, (k + 1) * plane) }, geometry);
  oursRuns.push(ms(t0));
}
const oursMs = [...oursRuns].sort((a, b) => a - b)[1];
const topo = core.meshTopology(ours);
const measures = core.meshMeasures(ours);
let inside = 0;
for (let i = 0; i < volume.length; i++) inside += volume[i];
const voxelMl = (inside * spacing[0] * spacing[1] * spacing[2]) / 1000;
result.ours = {
  ms: oursMs,
  runsMs: oursRuns,
  mvoxelPerS: +(voxelCount / 1e3 / oursMs).toFixed(1),
  triangles: ours.triangles.length / 3,
  vertices: ours.positions.length / 3,
  watertight: topo.watertight,
  oriented: topo.oriented,
  vertexManifold: topo.vertexManifold,
  nonManifoldEdges: topo.nonManifoldEdges,
  eulerCharacteristic: topo.eulerCharacteristic,
  volume_mL: +measures.volume_mL.toFixed(3),
  voxelVolume_mL: +voxelMl.toFixed(3),
  peakRssMiB: peakRssMiB(),
  rssAboveLabelmapMiB: rssMiB() - rssBefore,
};
log(`ours: ${oursMs} ms, ${result.ours.triangles} triangles`);

// 2. Our smoothing (median of three) and decimation on our mesh.
const smoothRuns = [];
let smooth;
for (let run = 0; run < 3; run++) {
  smooth = undefined;
  gc();
  t0 = performance.now();
  smooth = core.smoothMesh(ours, { iterations: 20, passBand: 0.1 });
  smoothRuns.push(ms(t0));
}
const smoothMs = [...smoothRuns].sort((a, b) => a - b)[1];
const smoothTopo = core.meshTopology(smooth);
result.oursSmooth = {
  ms: smoothMs,
  runsMs: smoothRuns,
  iterations: 20,
  passBand: 0.1,
  volumeChangePercent: +((core.meshMeasures(smooth).volume_mL / measures.volume_mL - 1) * 100).toFixed(3),
  watertight: smoothTopo.watertight,
  oriented: smoothTopo.oriented,
};
log(`our smoothing: ${smoothMs} ms`);
t0 = performance.now();
const dec = core.decimateMesh(smooth, { reduction: 0.9 });
const decMs = ms(t0);
const decTopo = core.meshTopology(dec);
result.oursDecimate = {
  ms: decMs,
  reduction: 0.9,
  trianglesAfter: dec.triangles.length / 3,
  watertight: decTopo.watertight,
  oriented: decTopo.oriented,
  vertexManifold: decTopo.vertexManifold,
  eulerCharacteristic: decTopo.eulerCharacteristic,
  volumeChangePercent: +((core.meshMeasures(dec).volume_mL / core.meshMeasures(smooth).volume_mL - 1) * 100).toFixed(3),
};
log(`our decimation: ${decMs} ms`);
t0 = performance.now();
const stl = core.writeStlBinary(smooth);
result.oursWriteStlBinary = { ms: ms(t0), bytes: stl.length };
result.peakRssAfterOursMiB = peakRssMiB();

// Labelmap operations on the same labelmap (one run each): the refine steps the CLI and the
// viewer run, each read back slice by slice (its result is painted from runs when read).
{
  const source = { dims, getSlice: k => volume.subarray(k * plane, (k + 1) * plane) };
  const readAll = s => {
    for (let k = 0; k < dims[2]; k++) s.getSlice(k);
  };
  const step = st => () => readAll(core.refineSlices(source, geometry, st));
  const ops = {
    largestIsland: step({ op: 'largestIsland' }),
    keepIslandAt: step({ op: 'keepIslandAt', voxel: [dims[0] >> 1, dims[1] >> 1, dims[2] >> 1] }),
    fillHoles3d: step({ op: 'fillHoles', mode: '3d' }),
    fillHoles2d: step({ op: 'fillHoles', mode: '2d' }),
    grow2mm: step({ op: 'margin', mm: 2 }),
    shrink2mm: step({ op: 'margin', mm: -2 }),
    hollowOutside2mm: step({ op: 'hollow', mm: 2, side: 'outside' }),
    hollowCentre2mm: step({ op: 'hollow', mm: 2, side: 'centre' }),
  };
  result.labelmapOpsMs = {};
  for (const [name, f] of Object.entries(ops)) {
    gc();
    t0 = performance.now();
    f();
    result.labelmapOpsMs[name] = ms(t0);
  }
  log(`labelmap ops: ${JSON.stringify(result.labelmapOpsMs)}`);
}

// 3. polySeg (flying edges in WebAssembly), what Cornerstone runs.
{
  const wasmPath = require.resolve('@icr/polyseg-wasm/wasm');
  const { default: launcher } = await import('@icr/polyseg-wasm/js');
  const polySeg = await launcher({ wasmBinary: fs.readFileSync(wasmPath), print: () => {}, printErr: () => {} });
  t0 = performance.now();
  const r = polySeg.convertLabelmapToSurface(volume, dims, spacing, [1, 0, 0, 0, 1, 0, 0, 0, 1], geometry.originMm, [1]);
  const psMs = ms(t0);
  result.polySeg = { ms: psMs, triangles: r.polys.length / 4, vertices: r.points.length / 3, oursFasterBy: +(psMs / oursMs).toFixed(2) };
  log(`polySeg: ${psMs} ms`);
}

// 4. vtk.js: ImageMarchingCubes on the same labelmap; WindowedSinc on our mesh. vtk.js logs
// timings with console.time/log; send them to stderr so stdout stays one JSON object.
if (!process.env.MESH_BENCH_SKIP_VTK) {
  for (const k of ['log', 'info', 'time', 'timeEnd', 'timeLog']) {
    console[k] = (...a) => void process.stderr.write(`[vtk.js] ${k} ${a.join(' ')}\n`);
  }
  const { default: vtkImageData } = await import('@kitware/vtk.js/Common/DataModel/ImageData.js');
  const { default: vtkDataArray } = await import('@kitware/vtk.js/Common/Core/DataArray.js');
  const { default: vtkPolyData } = await import('@kitware/vtk.js/Common/DataModel/PolyData.js');
  const { default: vtkImageMarchingCubes } = await import('@kitware/vtk.js/Filters/General/ImageMarchingCubes.js');
  const { default: vtkWindowedSincPolyDataFilter } = await import('@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter.js');

  const image = vtkImageData.newInstance({ spacing, origin: geometry.originMm, extent: [0, dims[0] - 1, 0, dims[1] - 1, 0, dims[2] - 1] });
  image.getPointData().setScalars(vtkDataArray.newInstance({ numberOfComponents: 1, values: volume }));
  const mc = vtkImageMarchingCubes.newInstance({ contourValue: 0.5, computeNormals: false, mergePoints: true });
  mc.setInputData(image);
  t0 = performance.now();
  const out = mc.getOutputData();
  const vtkMs = ms(t0);
  result.vtkImageMarchingCubes = { ms: vtkMs, triangles: out.getPolys().getNumberOfCells(), vertices: out.getPoints().getNumberOfPoints(), oursFasterBy: +(vtkMs / oursMs).toFixed(1) };
  log(`vtk.js ImageMarchingCubes: ${vtkMs} ms`);

  const polys = new Uint32Array((ours.triangles.length / 3) * 4);
  for (let t = 0, o = 0; t < ours.triangles.length; t += 3) {
    polys[o++] = 3;
    polys[o++] = ours.triangles[t];
    polys[o++] = ours.triangles[t + 1];
    polys[o++] = ours.triangles[t + 2];
  }
  const pd = vtkPolyData.newInstance();
  pd.getPoints().setData(Float32Array.from(ours.positions), 3);
  pd.getPolys().setData(polys);
  const ws = vtkWindowedSincPolyDataFilter.newInstance({ numberOfIterations: 20, passBand: 0.1, featureEdgeSmoothing: false, boundarySmoothing: false, nonManifoldSmoothing: false, normalizeCoordinates: true });
  ws.setInputData(pd);
  t0 = performance.now();
  ws.getOutputData();
  const wsMs = ms(t0);
  result.vtkWindowedSinc = { ms: wsMs, iterations: 20, passBand: 0.1, triangles: ours.triangles.length / 3, oursFasterBy: +(wsMs / smoothMs).toFixed(1) };
  log(`vtk.js WindowedSinc: ${wsMs} ms`);
}

// 5. Optional: a 1920×1080×1000 labelmap never held whole, fed one generated slice at a time.
if (process.env.MESH_BENCH_BIG) {
  const big = [1920, 1080, 1000];
  const slice = new Uint8Array(big[0] * big[1]);
  gc();
  const before = rssMiB();
  t0 = performance.now();
  // Rows painted from the ellipsoid's extent (a memset each), so the time is the extraction's.
  const ellipsoidSlice = k => {
    const [nx, ny, nz] = big;
    slice.fill(0);
    const z = (k - nz / 2) / (nz * 0.4);
    for (let j = 0; j < ny; j++) {
      const y = (j - ny / 2) / (ny * 0.36);
      const r = 1 - y * y - z * z;
      if (r <= 0) continue;
      const hw = nx * 0.4 * Math.sqrt(r);
      slice.fill(1, nx * j + Math.max(0, Math.ceil(nx / 2 - hw)), nx * j + Math.min(nx, Math.floor(nx / 2 + hw) + 1));
    }
    return slice;
  };
  const m = core.extractSurfaceVoxels({ dims: big, getSlice: ellipsoidSlice });
  const bigMs = ms(t0);
  result.big = {
    dims: big,
    labelmapGiB: +((big[0] * big[1] * big[2]) / 2 ** 30).toFixed(2),
    ms: bigMs,
    mvoxelPerS: +((big[0] * big[1] * big[2]) / 1e3 / bigMs).toFixed(1),
    note: 'slices generated on demand (one memset per row), never held as a volume',
    triangles: m.triangles.length / 3,
    meshMiB: Math.round((m.triangles.byteLength + m.positions.byteLength) / MB),
    rssGrowthMiB: rssMiB() - before,
    peakRssMiB: peakRssMiB(),
  };
  log(`big: ${bigMs} ms`);
}

result.peakRssMiB = peakRssMiB();
result.loadAverage1m = +(await import('node:os')).loadavg()[0].toFixed(2);
result.targets = {
  vsVtkImageMarchingCubes: '≥ 10×',
  vsPolySeg: '≥ 2×',
  smoothingVsVtkWindowedSinc: '≥ 5×',
};
process.stdout.write(JSON.stringify(result) + "\n"); // not console.log: vtk.js's logging was redirected above
