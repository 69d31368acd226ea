// The decode pool's speed-up: a folder of 96 24-bit 1024 × 1024 BMPs (300 MB) read into one
// volume by readStack with 0 (this thread), 1 and 2 worker_threads — cold, as the CLI runs:
// workers start, headers are probed, every slice decoded — and through a pool that is already
// running (warm, as the viewer's long-lived pool). 'Shared': the volume on a SharedArrayBuffer,
// written in place by the workers. Prints one JSON object.
//
// The anchor, measured in the same run: the same files and total work with no pool at all —
// one worker_thread doing every file vs two each doing a contiguous half — so the JSON says
// what 2-vs-1 speed-up this machine gives for this work at all ('anchorSpeedup2vs1', from
// the decode anchor), next to the pool's. Modes: 'copy' (read
// into a reused buffer, memcpy it out: bandwidth only), 'readFileSync' (a fresh buffer per
// file, as fs.readFileSync gives, then the copy), 'decode' (the reused read and the pool's
// own decodeSliceBytes into a shared volume: the pool's work minus the pool), 'fault' (only
// the first write to each 4 KiB page of a fresh shared volume: the page faults every read
// pays). 'fixedCosts': what a cold read pays before its first slice whatever the number of
// workers (worker start-up), and 'coldSharedCeiling': the cold shared speed-up if the
// 2-worker read cost the 1-worker read minus what the anchor saves with two threads, plus
// the extra start-up of two workers (the fixed costs do not shrink with more workers).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { make24, median } from './lib/bmpFiles.mjs';
import { parallelCapacity } from './lib/parallelCapacity.mjs';

const require = createRequire(import.meta.url);
const core = require('../platform/core/dist/index.js');
const coreNode = require('../platform/core/dist/node.js');

/** Threads per core and cores as the guest sees them (a VM's vCPUs may still share a host core). */
function topology() {
  const out = {};
  try {
    const cpus = readdirSync('/sys/devices/system/cpu').filter(d => /^cpu\d+$/.test(d));
    const cores = new Set();
    for (const c of cpus) {
      const t = `/sys/devices/system/cpu/${c}/topology/`;
      cores.add(`${readFileSync(t + 'physical_package_id', 'utf8').trim()}:${readFileSync(t + 'core_id', 'utf8').trim()}`);
    }
    out.logicalCpus = cpus.length;
    out.physicalCores = cores.size;
    out.threadsPerCore = Math.round((cpus.length / cores.size) * 100) / 100;
  } catch {
    /* not Linux */
  }
  try {
    const l = spawnSync('lscpu', { encoding: 'utf8' }).stdout ?? '';
    const field = name => l.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1]?.trim();
    out.lscpu = { threadsPerCore: field('Thread\\(s\\) per core'), coresPerSocket: field('Core\\(s\\) per socket'), hypervisor: field('Hypervisor vendor'), model: field('Model name') };
  } catch {
    /* no lscpu */
  }
  return out;
}

// The anchor's worker: given files (or decode requests) and a mode, does them all and replies.
const ANCHOR_WORKER = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const core = require(${JSON.stringify(require.resolve('../platform/core/dist/index.js'))});
let buf = new Uint8Array(0);
let dst = new Uint8Array(0);
function readReused(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const { size } = fs.fstatSync(fd);
    if (buf.length < size) buf = new Uint8Array(size);
    let got = 0;
    while (got < size) { const n = fs.readSync(fd, buf, got, size - got, got); if (!n) break; got += n; }
    return buf.subarray(0, got);
  } finally { fs.closeSync(fd); }
}
parentPort.on('message', ({ mode, requests, volume, sliceBytes }) => {
  let sum = 0;
  for (const req of requests) {
    if (mode === 'fault') {
      const v = new Uint8Array(volume, req.index * sliceBytes, sliceBytes);
      for (let i = 0; i < sliceBytes; i += 4096) v[i] = 0;
    } else if (mode === 'decode') {
      const bytes = readReused(req.source);
      const r = core.decodeSliceBytes(bytes, { ...req, target: { buffer: volume, byteOffset: req.index * sliceBytes } });
      sum += r.colouredPixels;
    } else {
      const bytes = mode === 'readFileSync' ? new Uint8Array(fs.readFileSync(req.source)) : readReused(req.source);
      if (dst.length < bytes.length) dst = new Uint8Array(bytes.length);
      dst.set(bytes);
      for (let i = 0; i < dst.length; i += 4096) sum += dst[i];
    }
  }
  parentPort.postMessage(sum);
});`;

/**
 * The anchor: per mode, 1 thread doing every request vs 2 threads each doing a contiguous half,
 * alternating, `runs` times; median milliseconds and the 2-vs-1 speed-up of medians.
 */
async function anchor(requests, plan, runs = 7) {
  const { Worker } = await import('node:worker_threads');
  const workers = [0, 1].map(() => new Worker(ANCHOR_WORKER, { eval: true }));
  const plain = requests.map(({ target, into, ...r }) => r);
  const sliceBytes = plan.columns * plan.rows * (plan.bitDepth / 8);
  const once = (w, msg) => new Promise(resolve => { w.once('message', resolve); w.postMessage(msg); });
  const go = async (mode, threads) => {
    const volume = mode === 'decode' || mode === 'fault' ? new SharedArrayBuffer(sliceBytes * plan.slices.length) : undefined;
    const half = Math.ceil(plain.length / threads);
    const t = process.hrtime.bigint();
    const sums = await Promise.all(workers.slice(0, threads).map((w, i) => once(w, { mode, requests: plain.slice(i * half, (i + 1) * half), volume, sliceBytes })));
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    sink += sums.reduce((a, b) => a + b, 0) > -1 ? 1 : 0;
    return ms;
  };
  const out = {};
  try {
    for (const mode of ['copy', 'readFileSync', 'fault', 'decode']) {
      await go(mode, 2); // both workers warmed (their code compiled, their buffers grown)
      const ts = { 1: [], 2: [] };
      for (let run = 0; run < runs; run++) {
        for (const threads of [1, 2]) {
          globalThis.gc?.();
          ts[threads].push(await go(mode, threads));
        }
      }
      const m1 = median(ts[1]);
      const m2 = median(ts[2]);
      out[mode] = { medianMs: { threads1: round1(m1), threads2: round1(m2) }, speedup2vs1: r2(m1 / m2), speedup2vs1OfMinimums: r2(Math.min(...ts[1]) / Math.min(...ts[2])) };
    }
  } finally {
    for (const w of workers) void w.terminate();
  }
  return out;
}

/** Start n decode workers (the real script) at once; ms until each has answered one tiny request. */
async function workerBoot(n) {
  const { Worker } = await import('node:worker_threads');
  const tiny = { index: 0, file: 'boot', source: new Uint8Array(8), page: 0, width: 1, height: 1, bitDepth: 8, crop: { x: 0, y: 0, width: 1, height: 1 }, downsample: 1 };
  const t = process.hrtime.bigint();
  await Promise.all(Array.from({ length: n }, () => new Promise(resolve => {
    const w = new Worker(coreNode.nodeWorkerScript());
    w.once('message', () => {
      resolve();
      void w.terminate();
    });
    w.postMessage(tiny);
  })));
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const r2 = x => Math.round(x * 100) / 100;
const round1 = x => Math.round(x * 10) / 10;

// IMAGESTACK_BENCH_SLICES=240 for a longer stack (the fixed start-up cost weighs less).
const SLICES = Number(process.env.IMAGESTACK_BENCH_SLICES) || 96;
const W = 1024;
const H = 1024;
const dir = mkdtempSync(path.join(os.tmpdir(), 'imagestack-pool-bench-'));
let sink = 0;
try {
  const loadBefore = os.loadavg().map(r2);
  const capacityBefore = await parallelCapacity(2e8);
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
  const warmTimes = { 1: [], 2: [], '1s': [], '2s': [] };
  for (let run = 0; run < 8; run++) {
    for (const key of ['1', '2', '1s', '2s']) {
      const sharedMemory = key.endsWith('s');
      const assembler = core.createStackAssembler(plan, { sharedMemory });
      const reqs = sharedMemory ? core.sliceRequests(plan, undefined, assembler.voxels) : requests;
      const t = process.hrtime.bigint();
      await pools[key[0]].run(reqs, { onSlice: r => assembler.add(r) });
      if (run > 0) warmTimes[key].push(Number(process.hrtime.bigint() - t) / 1e6);
      sink += assembler.finish().stack.voxels[3];
    }
  }
  pools[1].close();
  pools[2].close();
  const anchors = await anchor(requests, plan);
  const boots = { 1: [], 2: [] };
  for (let run = 0; run < 5; run++) for (const n of [1, 2]) boots[n].push(await workerBoot(n));
  const boot = { workers1: round1(median(boots[1])), workers2: round1(median(boots[2])) };
  const a = anchors.decode.medianMs;
  const coldSharedCeiling = r2(cold['1s'] / (cold['1s'] - a.threads1 + a.threads2 + Math.max(0, boot.workers2 - boot.workers1)));
  const warm = Object.fromEntries(Object.entries(warmTimes).map(([k, ts]) => [k, median(ts)]));
  const warmMin = Object.fromEntries(Object.entries(warmTimes).map(([k, ts]) => [k, Math.min(...ts)]));
  const rate = t => Math.round((bytes / 1e6 / (t / 1000)) * 10) / 10;
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
        medianMs: { workers1: warm['1'], workers2: warm['2'], workers1Shared: warm['1s'], workers2Shared: warm['2s'] },
        mbPerS: { workers1: rate(warm['1']), workers2: rate(warm['2']), workers1Shared: rate(warm['1s']), workers2Shared: rate(warm['2s']) },
        speedup2vs1: r2(warm['1'] / warm['2']),
        speedup2vs1Shared: r2(warm['1s'] / warm['2s']),
        minMs: warmMin,
        speedup2vs1OfMinimums: r2(warmMin['1'] / warmMin['2']),
        speedup2vs1SharedOfMinimums: r2(warmMin['1s'] / warmMin['2s']),
      },
      anchorSpeedup2vs1: anchors.decode.speedup2vs1,
      anchor: anchors,
      fixedCosts: {
        workerBootMs: boot,
        coldSharedCeiling,
      },
      target: { speedup2vs1: 1.7 },
      parallelCapacity: { before: capacityBefore, after: await parallelCapacity(2e8), ideal: 2 },
      cpus: os.cpus().length,
      topology: topology(),
      loadAverage: { before: loadBefore, after: os.loadavg().map(r2) },
      sink: sink > -1,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
