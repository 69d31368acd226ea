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
  // Variants alternate run by run (A B C … A B C …), so a burst of load from another process
  // hits them alike; medians and minimums are reported (the minimum is the least disturbed).
  const variants = [['0', 0, false], ['1', 1, false], ['2', 2, false], ['1s', 1, true], ['2s', 2, true]];
  const coldTimes = Object.fromEntries(variants.map(([k]) => [k, []]));
  for (let run = 0; run < 7; run++) {
    for (const [key, workers, sharedMemory] of variants) {
      globalThis.gc?.();
      const t = process.hrtime.bigint();
      const { stack } = await coreNode.readStack([dir], { workers, sharedMemory });
      coldTimes[key].push(Number(process.hrtime.bigint() - t) / 1e6);
      sink += stack.voxels[5];
    }
  }
  const cold = Object.fromEntries(Object.entries(coldTimes).map(([k, ts]) => [k, median(ts)]));
  const coldMin = Object.fromEntries(Object.entries(coldTimes).map(([k, ts]) => [k, Math.min(...ts)]));
  const plan = core.planStack(await coreNode.probeFiles((await coreNode.listInputs([dir])).files));
  const requests = core.sliceRequests(plan);
  const pools = { 1: core.createDecodePool({ workers: 1, spawn: coreNode.spawnNodeWorker }), 2: core.createDecodePool({ workers: 2, spawn: coreNode.spawnNodeWorker }) };
  const warmTimes = { 1: [], 2: [] };
  for (let run = 0; run < 8; run++) {
    for (const workers of [1, 2]) {
      const assembler = core.createStackAssembler(plan);
      const t = process.hrtime.bigint();
      await pools[workers].run(requests, { onSlice: r => assembler.add(r) });
      if (run > 0) warmTimes[workers].push(Number(process.hrtime.bigint() - t) / 1e6);
      sink += assembler.finish().stack.voxels[3];
    }
  }
  pools[1].close();
  pools[2].close();
  const warm = { 1: median(warmTimes[1]), 2: median(warmTimes[2]) };
  const warmMin = { 1: Math.min(...warmTimes[1]), 2: Math.min(...warmTimes[2]) };
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
        minMs: coldMin,
        speedup2vs1OfMinimums: r2(coldMin['1'] / coldMin['2']),
        speedup2vs1SharedOfMinimums: r2(coldMin['1s'] / coldMin['2s']),
      },
      warm: {
        medianMs: { workers1: warm[1], workers2: warm[2] },
        mbPerS: { workers1: rate(warm[1]), workers2: rate(warm[2]) },
        speedup2vs1: r2(warm[1] / warm[2]),
        minMs: { workers1: warmMin[1], workers2: warmMin[2] },
        speedup2vs1OfMinimums: r2(warmMin[1] / warmMin[2]),
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
