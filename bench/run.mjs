// `npm run bench`: runs every bench/*.bench.mjs in its own Node process (so one benchmark's
// heap does not skew the next), each printing one JSON object on stdout, and prints them all
// as one JSON object keyed by benchmark name. Select some with `npm run bench -- bmp mesh`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// `--scenario NAME` runs bench/scenario-NAME.mjs (long, generated data; never part of the default run).
const argv = process.argv.slice(2);
const scenarios = argv.flatMap((a, i) => (a === '--scenario' && argv[i + 1] ? [argv[i + 1]] : []));
const only = argv.filter((a, i) => a !== '--scenario' && argv[i - 1] !== '--scenario');
const files = [
  ...(scenarios.length && !only.length ? [] : fs.readdirSync(here).filter(f => f.endsWith('.bench.mjs')).filter(f => !only.length || only.some(o => f.startsWith(o)))),
  ...scenarios.map(s => `scenario-${s}.mjs`),
].sort();
for (const f of files) if (!fs.existsSync(path.join(here, f))) throw new Error(`no benchmark ${f} in bench/`);
const results = {
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
};
let failed = 0;
for (const f of files) {
  const name = f.replace(/\.bench\.mjs$/, '').replace(/\.mjs$/, '');
  process.stderr.write(`[bench] ${name}…\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(here, f)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  try {
    if (r.status !== 0) throw new Error(`exit ${r.status}`);
    results[name] = JSON.parse(r.stdout);
  } catch (e) {
    failed++;
    results[name] = { error: String(e.message), stdout: r.stdout.slice(-2000) };
  }
}
console.log(JSON.stringify(results, null, 2));
process.exitCode = failed ? 1 : 0;
