// The decode pool's speed-up: a folder of 96 24-bit 1024 × 1024 BMPs (300 MB) read into one
// volume by readStack with 0 (this thread), 1 and 2 worker_threads — cold, as the CLI runs:
// workers start, headers are probed, every slice decoded — and through a pool that is already
// running (warm, as the viewer's long-lived pool). 'Shared': the volume on a SharedArrayBuffer,
// written in place by the workers. Prints one JSON object.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { make24, median } from './lib/bmpFiles.mjs';

const require = createRequire(import.meta.url);
const core = require('../platform/core/dist/index.js');
const coreNode = require('../platform/core/dist/node.js');

const SLICES = 96;
const W = 1024;
const H = 1024;
const dir = mkdtempSync(path.join(os.tmpdir(), 'imagestack-pool-bench-'));
let sink = 0;
try {
  let bytes = 0;
  for (let k = 0; k < SLICES; k++) {
    const f = make24(W, H, k + 2);
    bytes += f.length;
    writeFileSync(path.join(dir, `slice_${String(k).padStart(3, '0')}.bmp`), f);
  }
  const cold = {};
  for (const [key, workers, sharedMemory] of [['0', 0, false], ['1', 1, false], ['2', 2, false], ['1s', 1, true], ['2s', 2, true]]) {
    const ts = [];
    for (let run = 0; run < 5; run++) {
      globalThis.gc?.();
      const t = process.hrtime.bigint();
      const { stack } = await coreNode.readStack([dir], { workers, sharedMemory });
      ts.push(Number(process.hrtime.bigint() - t) / 1e6);
      sink += stack.voxels[5];
    }
    cold[key] = median(ts);
  }
  const plan = core.planStack(await coreNode.probeFiles((await coreNode.listInputs([dir])).files));
  const requests = core.sliceRequests(plan);
  const warm = {};
  for (const workers of [1, 2]) {
    const pool = core.createDecodePool({ workers, spawn: coreNode.spawnNodeWorker });
    const ts = [];
    for (let run = 0; run < 7; run++) {
      const assembler = core.createStackAssembler(plan);
      const t = process.hrtime.bigint();
      await pool.run(requests, { onSlice: r => assembler.add(r) });
      if (run > 0) ts.push(Number(process.hrtime.bigint() - t) / 1e6);
      sink += assembler.finish().stack.voxels[3];
    }
    pool.close();
    warm[workers] = median(ts);
  }
  const rate = t => Math.round((bytes / 1e6 / (t / 1000)) * 10) / 10;
  const r2 = x => Math.round(x * 100) / 100;
  console.log(
    JSON.stringify({
      slices: SLICES,
      megabytes: Math.round(bytes / 1e6),
      cold: {
        medianMs: { thisThread: cold['0'], workers1: cold['1'], workers2: cold['2'], workers1Shared: cold['1s'], workers2Shared: cold['2s'] },
        mbPerS: { thisThread: rate(cold['0']), workers1: rate(cold['1']), workers2: rate(cold['2']), workers1Shared: rate(cold['1s']), workers2Shared: rate(cold['2s']) },
        speedup2vs1: r2(cold['1'] / cold['2']),
        speedup2vs1Shared: r2(cold['1s'] / cold['2s']),
      },
      warm: {
        medianMs: { workers1: warm[1], workers2: warm[2] },
        mbPerS: { workers1: rate(warm[1]), workers2: rate(warm[2]) },
        speedup2vs1: r2(warm[1] / warm[2]),
      },
      target: { speedup2vs1: 1.7 },
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map(r2),
      sink: sink > -1,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
