// Whole-job benchmark (`npm run bench -- pipeline`): a generated 512×512×400 8-bit BMP stack
// (bench/lib/greyStack.mjs; written to a temp folder, removed after) → threshold 128 → closed
// surface → (windowed-sinc smoothing, 20 iterations) → binary STL, each job a whole process,
// runs alternating so load drift hits every contender alike:
//   ours     `imagestack mesh <dir> --threshold 128 [--smooth 20] --stl …`
//   vtk      3D Slicer's pipeline in VTK 9.1's C++ (Debian python3-vtk9, bench/lib/vtkPipeline.py)
//   vtk.js   the same in vtk.js (bench/lib/vtkjsPipeline.mjs; one run each, it is slow)
// Prints one JSON object: seconds per run, medians, peak RSS, triangles, the ratios
// (contender time / ours: > 1 means ours is faster), the load average and how much parallel CPU
// the machine gave (bench/lib/parallelCapacity.mjs) at the start and the end.
// Needs python3-vtk9 and python3-pil (`apt-get install python3-vtk9 python3-pil`;
// PIPELINE_BENCH_APT=1 lets the bench run that itself). PIPELINE_BENCH_ROUNDS (default 3),
// PIPELINE_BENCH_DIMS (default 512,512,400), PIPELINE_BENCH_SKIP_VTKJS=1.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePhantomStack } from './lib/greyStack.mjs';
import { median } from './lib/bmpFiles.mjs';
import { parallelCapacity } from './lib/parallelCapacity.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// the installed command's launcher, as `npx imagestack` runs it (it starts mesh threads early)
const cli = path.join(here, '../platform/cli/bin/imagestack.js');
const log = s => process.stderr.write(`[pipeline] ${s}\n`);
const dims = (process.env.PIPELINE_BENCH_DIMS ?? '512,512,400').split(',').map(Number);
const rounds = Number(process.env.PIPELINE_BENCH_ROUNDS ?? 3);
const spacing = [0.7, 0.7, 1.0];
const threshold = 128;
const iterations = 20;
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const load = () => os.loadavg().map(x => +x.toFixed(2));

function haveVtk() {
  return spawnSync(python, ['-c', 'import vtkmodules.vtkFiltersGeneral, PIL, numpy'], { stdio: 'ignore' }).status === 0;
}
let vtkNote = null;
if (!haveVtk() && process.env.PIPELINE_BENCH_APT === '1') {
  log('installing python3-vtk9 python3-pil with apt-get…');
  spawnSync('apt-get', ['install', '-y', '-qq', 'python3-vtk9', 'python3-pil'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
if (!haveVtk()) vtkNote = 'python3-vtk9 / python3-pil not installed: apt-get install python3-vtk9 python3-pil (or PIPELINE_BENCH_APT=1)';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-pipeline-'));
const stackDir = path.join(tmp, 'stack');
const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** One whole process: wall seconds, peak RSS (MiB, from /usr/bin/time), its stdout, the STL's triangle count. */
function run(name, cmd, args, stl) {
  fs.rmSync(stl, { force: true });
  const rssFile = path.join(tmp, 'rss.txt');
  const [c, a] = timeBin ? [timeBin, ['-f', '%U %S %M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const loadBefore = os.loadavg()[0];
  const t0 = performance.now();
  const r = spawnSync(c, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${name} failed (exit ${r.status}): ${r.stderr.slice(-1500)}`);
  const [user, sys, rssKiB] = timeBin ? fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  const peakRssMiB = timeBin ? Math.round(rssKiB / 1024) : null;
  const cpuS = timeBin ? +(user + sys).toFixed(2) : null;
  const fd = fs.openSync(stl, 'r');
  const head = Buffer.alloc(84);
  fs.readSync(fd, head, 0, 84, 0);
  fs.closeSync(fd);
  const triangles = head.readUInt32LE(80);
  log(`${name}: ${s.toFixed(2)} s (CPU ${cpuS} s), ${peakRssMiB} MiB, ${triangles} triangles (load ${loadBefore.toFixed(1)})`);
  return { s, cpuS, peakRssMiB, triangles, stdout: r.stdout, load1m: +loadBefore.toFixed(2) };
}

const geometryArgs = ['--spacing', `${spacing[0]},${spacing[1]}`, '--slice-spacing', String(spacing[2])];
const contenders = {
  ours: smooth => [process.execPath, [cli, 'mesh', stackDir, ...geometryArgs, '--threshold', String(threshold), ...(smooth ? ['--smooth', String(iterations)] : []), '--stl', path.join(tmp, 'ours.stl')], path.join(tmp, 'ours.stl')],
  vtk: smooth => [python, [path.join(here, 'lib/vtkPipeline.py'), stackDir, path.join(tmp, 'vtk.stl'), String(threshold), String(smooth ? iterations : 0), ...spacing.map(String)], path.join(tmp, 'vtk.stl')],
  vtkjs: smooth => [process.execPath, [path.join(here, 'lib/vtkjsPipeline.mjs'), stackDir, path.join(tmp, 'vtkjs.stl'), String(threshold), String(smooth ? iterations : 0), ...spacing.map(String)], path.join(tmp, 'vtkjs.stl')],
};

const result = {
  stack: { dims, bitDepth: 8, format: 'BMP (8-bit, grey palette)', spacingMm: spacing, threshold, smoothIterations: iterations, megabytes: 0 },
  cpus: os.cpus().length,
  loadAverageStart: load(),
  parallelCapacityStart: await parallelCapacity(),
};
try {
  let t0 = performance.now();
  writePhantomStack(stackDir, dims);
  result.stack.megabytes = Math.round(fs.readdirSync(stackDir).reduce((a, f) => a + fs.statSync(path.join(stackDir, f)).size, 0) / 1e6);
  log(`stack written in ${((performance.now() - t0) / 1000).toFixed(1)} s (${result.stack.megabytes} MB)`);
  // Warm the page cache and each program once (not counted).
  for (const f of fs.readdirSync(stackDir)) fs.readFileSync(path.join(stackDir, f));
  run('warm-up ours', ...contenders.ours(false));
  if (!vtkNote) run('warm-up vtk', ...contenders.vtk(false));

  const names = ['ours', ...(vtkNote ? [] : ['vtk'])];
  const runs = {};
  for (let r = 0; r < rounds; r++) {
    for (const smooth of [false, true]) {
      for (const n of r % 2 ? [...names].reverse() : names) {
        const key = `${n}${smooth ? 'Smooth' : ''}`;
        (runs[key] ??= []).push(run(key, ...contenders[n](smooth)));
      }
      if (r === 0 && !process.env.PIPELINE_BENCH_SKIP_VTKJS) {
        const key = `vtkjs${smooth ? 'Smooth' : ''}`;
        runs[key] = [run(key, ...contenders.vtkjs(smooth))];
      }
    }
  }
  const summary = {};
  for (const [key, rs] of Object.entries(runs)) {
    const last = rs[rs.length - 1];
    let steps;
    try {
      steps = key.startsWith('ours') ? undefined : JSON.parse(last.stdout.trim().split('\n').pop()).steps_s;
    } catch {
      steps = undefined;
    }
    summary[key] = { medianS: +median(rs.map(x => x.s)).toFixed(2), runsS: rs.map(x => +x.s.toFixed(2)), cpuS: rs.map(x => x.cpuS), peakRssMiB: Math.max(...rs.map(x => x.peakRssMiB ?? 0)) || null, triangles: last.triangles, loads1m: rs.map(x => x.load1m), ...(steps ? { lastRunSteps_s: steps } : {}) };
  }
  result.runs = summary;
  const ratio = (a, b) => (summary[a] && summary[b] ? +(summary[a].medianS / summary[b].medianS).toFixed(2) : null);
  // Paired: each round's contender / ours from the same round (adjacent runs), then the median.
  const paired = (a, b) => (runs[a] && runs[b] ? +median(runs[a].map((x, i) => x.s / runs[b][i].s)).toFixed(2) : null);
  result.ratios = {
    note: 'contender wall seconds / ours (medians; paired: median of each round\'s adjacent runs): above 1 means ours is faster. cpuS is user + system CPU seconds (the total work, less disturbed by load than wall time)',
    vtkOverOurs: ratio('vtk', 'ours'),
    vtkOverOursSmooth: ratio('vtkSmooth', 'oursSmooth'),
    vtkOverOursPaired: paired('vtk', 'ours'),
    vtkOverOursSmoothPaired: paired('vtkSmooth', 'oursSmooth'),
    vtkjsOverOurs: ratio('vtkjs', 'ours'),
    vtkjsOverOursSmooth: ratio('vtkjsSmooth', 'oursSmooth'),
  };
  if (vtkNote) result.vtk = { skipped: vtkNote };
  result.targets = { vtkOverOurs: '≥ 2 (with and without smoothing)', vtkjsOverOurs: '≥ 20' };
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
result.loadAverageEnd = load();
result.parallelCapacityEnd = await parallelCapacity();
result.parallelCapacityNote = '2 worker_threads vs 1 on a pure-CPU loop: 2.0 = two free cores; ours uses both cores, so its lead over VTK shrinks toward the CPU-time ratio as this falls to 1';
process.stdout.write(JSON.stringify(result) + '\n');
