// The memory half of the 2 GB capture scenario (bench/scenario-2gb.mjs), at about 200 MB: 33
// screen captures of 1920 × 1080 24-bit BMP, cropped to 1500 × 1000, through `imagestack
// convert` and `imagestack mesh` (plain and smoothed) as whole processes (the built CLI in
// platform/cli/dist: `npx tsc -b` first). Each process's peak RSS must stay within 1.5 × the
// grey volume + 200 MB, which holds only if slices stream (all files plus the volume at once
// would not fit). Times are printed by the benchmark, never asserted here.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

test('convert and mesh stay within 1.5 × the grey volume + 200 MB on ~200 MB of captures', () => {
  const r = spawnSync(process.execPath, [path.join(root, 'bench/scenario-2gb.mjs')], {
    encoding: 'utf8',
    env: { ...process.env, SCENARIO_SLICES: '33', SCENARIO_PARTS: 'cli', SCENARIO_COMMANDS: 'convert,mesh,meshSmooth' }, // the browser half is tests/e2e/scale.spec.mjs
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`the scenario failed: ${r.stderr.slice(-2000)}`);
  const result = JSON.parse(r.stdout) as { stack: { megabytes: number }; anchors: { memoryBudgetMB: number }; runs: Record<string, { peakRssMB: number; memoryRatio: number }> };
  expect(result.stack.megabytes).toBeGreaterThan(190);
  for (const name of ['convert', 'mesh', 'meshSmooth']) {
    const run = result.runs[name];
    expect({ name, peakRssMB: run.peakRssMB, withinBudget: run.memoryRatio <= 1 }).toEqual({ name, peakRssMB: run.peakRssMB, withinBudget: true });
  }
}, 300_000);
