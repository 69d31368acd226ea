// The browser half of the capture scenario: the same generated 24-bit BMP captures given to the
// real import page (its file input, as a user's folder pick) in Debian's Chromium, cropped,
// loaded, thresholded, refined (the largest piece kept) and exported as STL, with the renderer
// process's memory read from /proc (resident set, sampled every 100 ms, and its high-water mark)
// against the 8-bit grey volume.
//
// Anchors of the same run, in the same tab:
// - memory: the renderer's resident set in the viewer showing a 3-slice stack of the same
//   captures (the viewer's baseline: OHIF, Cornerstone, WebGL, our workers), so what is above
//   it is what the big volume costs;
// - time: reading the same files with File.arrayBuffer in two Web Workers (what the browser
//   needs just to read them), best of two, measured on the import page before Load.
// Also checked: the volume stays 8-bit (BitsAllocated 8 in the metadata, Uint8 voxels) and no
// code path asks Cornerstone for a full copy of it (every getCompleteScalarDataArray on a big
// volume is counted, with its caller). Used by `npm run bench -- --scenario 2gb` and, small,
// by tests/e2e/scale.spec.mjs (which asserts on memory ratios, never on times).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBrowser, startViewer, waitForRenderedViewports } from '../../tests/e2e/lib/browser.mjs';
import { writeCaptureStack } from './captureScenario.mjs';

const MB = 1e6;

/** Every process below `root` (by parent pid), with its command line. */
function descendants(root) {
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid), n = 0; p && n < 20; p = parent.get(p), n++) {
      if (p === root) {
        let cmd = '';
        try {
          cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          break;
        }
        out.push({ pid, cmd });
        break;
      }
    }
  }
  return out;
}

function status(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = k => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024, anon: kb('RssAnon') * 1024, shmem: kb('RssShmem') * 1024 };
  } catch {
    return { rss: 0, hwm: 0, anon: 0, shmem: 0 };
  }
}

/** The page's renderer (the largest renderer of this browser) and the GPU process, by pid. */
function chromiumProcesses() {
  const all = descendants(process.pid);
  const renderers = all.filter(p => p.cmd.includes('--type=renderer'));
  const gpu = all.find(p => p.cmd.includes('--type=gpu-process'));
  const renderer = renderers.map(p => ({ ...p, rss: status(p.pid).rss })).sort((a, b) => b.rss - a.rss)[0];
  return { renderer: renderer?.pid, gpu: gpu?.pid };
}

/** Samples the renderer's and GPU process's resident sets every 100 ms; `mark()` starts a new phase's peak. */
function memorySampler() {
  let procs = chromiumProcesses();
  let peak = { renderer: 0, gpu: 0 };
  const tick = () => {
    if (!procs.renderer) procs = chromiumProcesses();
    const r = status(procs.renderer).rss;
    const g = procs.gpu ? status(procs.gpu).rss : 0;
    if (r > peak.renderer) peak.renderer = r;
    if (g > peak.gpu) peak.gpu = g;
  };
  const timer = setInterval(tick, 100);
  return {
    /** Re-find the processes (the page's renderer can change on a cross-site navigation; ours does not). */
    refresh() {
      procs = chromiumProcesses();
    },
    now() {
      tick();
      const r = status(procs.renderer);
      return { renderer: r.rss, gpu: procs.gpu ? status(procs.gpu).rss : 0, rendererHwm: r.hwm, rendererAnon: r.anon, rendererShmem: r.shmem };
    },
    /** The peaks since the last mark, then a new phase. */
    mark() {
      tick();
      const p = peak;
      peak = { renderer: 0, gpu: 0 };
      return p;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** Counts Cornerstone's full copies of big volumes (getCompleteScalarDataArray), with their callers. */
const COPY_HOOK = () => {
  window.__imagestackCopies = [];
  const install = () => {
    const VM = window.cornerstone?.utilities?.VoxelManager;
    if (!VM?.createImageVolumeVoxelManager || VM.__hooked) return !!VM?.__hooked;
    const make = VM.createImageVolumeVoxelManager;
    VM.createImageVolumeVoxelManager = function (...args) {
      const vm = make.apply(this, args);
      const full = vm.getCompleteScalarDataArray;
      vm.getCompleteScalarDataArray = (...a) => {
        const out = full.apply(vm, a);
        if (out?.length >= 1e7) window.__imagestackCopies.push({ length: out.length, type: out.constructor.name, id: String(args[0]?.id ?? ''), stack: String(new Error().stack).split('\n').slice(2, 7).join(' | ') });
        return out;
      };
      return vm;
    };
    VM.__hooked = true;
    return true;
  };
  const timer = setInterval(() => install() && clearInterval(timer), 50);
};

/**
 * The main thread's big (≥ 1 MB) ArrayBuffers from a heap snapshot: their total, exact and
 * free of the resident set's noise (a volume-sized copy kept anywhere shows as one more), and
 * the biggest with their holders.
 */
async function arrayBufferCensus(page) {
  const cdp = await page.context().newCDPSession(page);
  const chunks = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', e => chunks.push(e.chunk));
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  const snap = JSON.parse(chunks.join(''));
  const m = snap.snapshot.meta;
  const nf = m.node_fields.length;
  const ef = m.edge_fields.length;
  const types = m.node_types[0];
  const [iType, iName, iSize, iEdges, iId] = ['type', 'name', 'self_size', 'edge_count', 'id'].map(k => m.node_fields.indexOf(k));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map(k => m.edge_fields.indexOf(k));
  const nodes = snap.nodes;
  const edges = snap.edges;
  const count = nodes.length / nf;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) firstEdge[i + 1] = firstEdge[i] + nodes[i * nf + iEdges];
  const retainers = new Map();
  for (let i = 0; i < count; i++) {
    for (let e = firstEdge[i]; e < firstEdge[i + 1]; e++) {
      const to = edges[e * ef + eTo] / nf;
      if (nodes[to * nf + iSize] < 1e6) continue;
      const name = m.edge_types[0][edges[e * ef + eType]] === 'element' ? `[${edges[e * ef + eName]}]` : snap.strings[edges[e * ef + eName]];
      if (!retainers.has(to)) retainers.set(to, []);
      retainers.get(to).push(`${String(snap.strings[nodes[i * nf + iName]]).slice(0, 60)}.${String(name).slice(0, 40)}`);
    }
  }
  const big = [];
  let total = 0;
  let arrayBuffers = 0;
  const ids = new Map();
  for (let i = 0; i < count; i++) {
    const size = nodes[i * nf + iSize];
    if (size >= 1e6) {
      total += size;
      if (snap.strings[nodes[i * nf + iName]] === 'system / JSArrayBufferData') {
        arrayBuffers += size;
        ids.set(nodes[i * nf + iId], size);
      }
      big.push({ type: types[nodes[i * nf + iType]], name: snap.strings[nodes[i * nf + iName]], MB: +(size / MB).toFixed(1), by: (retainers.get(i) ?? []).slice(0, 3) });
    }
  }
  big.sort((a, b) => b.MB - a.MB);
  // snapshot ids are stable within a page: `since(earlier)` is the big buffers made after it (the ones freed meanwhile do not count)
  const since = earlier => +([...ids].filter(([id]) => !earlier.ids.has(id)).reduce((n, [, size]) => n + size, 0) / MB).toFixed(1);
  return { totalOver1MB: Math.round(total / MB), arrayBuffersOver1MB: +(arrayBuffers / MB).toFixed(1), count: big.length, biggest: big.slice(0, 12), ids, since };
}

/** A CPU profile's self time by function (ms), biggest first, and where each was in the page's scripts. */
function topSelfTime(profile) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return { totalMs: Math.round(total), top: [...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, ms]) => `${Math.round(ms)} ms ${k}`) };
}

async function gc(page) {
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.detach();
  } catch {
    // best effort
  }
}

/** Reads every file with File.arrayBuffer, split over two Web Workers; seconds. */
async function readAnchor(page, files) {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'imagestack-read-anchor';
    input.style.display = 'none';
    document.body.appendChild(input);
  });
  await page.setInputFiles('#imagestack-read-anchor', files);
  const s = await page.evaluate(async () => {
    const list = [...document.getElementById('imagestack-read-anchor').files];
    const src = 'onmessage = async e => { let n = 0; for (const f of e.data) n += (await f.arrayBuffer()).byteLength; postMessage(n); }';
    const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
    const workers = [new Worker(url), new Worker(url)];
    // warm the workers up before the clock starts
    await Promise.all(workers.map(w => new Promise(r => ((w.onmessage = r), w.postMessage([])))));
    const t0 = performance.now();
    const bytes = await Promise.all(workers.map((w, i) => new Promise(r => ((w.onmessage = e => r(e.data)), w.postMessage(list.filter((_, k) => k % 2 === i))))));
    const seconds = (performance.now() - t0) / 1000;
    for (const w of workers) w.terminate();
    URL.revokeObjectURL(url);
    document.getElementById('imagestack-read-anchor').remove();
    return { seconds, bytes: bytes[0] + bytes[1] };
  });
  return s;
}

/**
 * The first slice is on screen: the slice a volume viewport shows has its pixels in
 * Cornerstone's cache (a streamed load opens the viewer before most slices are decoded, so the
 * viewport's image data alone says nothing of what it shows).
 */
const firstSliceShown = () => {
  const re = window.cornerstone?.getRenderingEngines?.()[0];
  const vp = re?.getViewports().find(v => v.getVolumeId?.());
  const id = vp?.getCurrentImageId?.();
  return !!id && !!window.cornerstone.cache.getImage(id);
};

/** Seconds from the import's Load to its last slice decoded (the page's User Timing marks, extensions/image-stack/src/import/loadStack.ts LOAD_MARKS), or null. */
const slicesDecodedS = page =>
  page.evaluate(() => {
    const start = performance.getEntriesByName('imagestack-load-start').at(-1);
    const end = performance.getEntriesByName('imagestack-slices-decoded').at(-1);
    return start && end && end.startTime > start.startTime ? +((end.startTime - start.startTime) / 1000).toFixed(2) : null;
  });

const volumeReady = () => {
  const re = window.cornerstone?.getRenderingEngines?.()[0];
  const vp = re?.getViewports().find(v => v.getVolumeId?.());
  return !!vp && !!window.cornerstone.cache.getVolume(vp.getVolumeId())?.loadStatus?.loaded;
};

/**
 * Counts the page's DOM changes while a step's progress row (`[data-cy=<cy>-progress]`) is on
 * it, from now on; the function returned reads the count.
 */
async function watchProgress(page, cy) {
  await page.evaluate(cy => {
    const counts = (window.__imagestackProgress ??= {});
    counts[cy] = 0;
    new MutationObserver(() => {
      if (document.querySelector(`[data-cy=${cy}-progress]`)) counts[cy]++;
    }).observe(document.body, { childList: true, subtree: true, attributes: true });
  }, cy);
  return () => page.evaluate(cy => window.__imagestackProgress[cy], cy);
}

/** Gives the files to the import page, types the geometry and crop, and clicks Load. */
async function importStack(page, files, crop) {
  await page.waitForSelector('[data-cy=imagestack-file-input]', { state: 'attached', timeout: 120_000 });
  await page.setInputFiles('[data-cy=imagestack-file-input]', files);
  await page.waitForSelector('[data-cy=imagestack-crop-x]', { timeout: 180_000 });
  const fill = (cy, v) => page.fill(`[data-cy=${cy}]`, String(v));
  await fill('imagestack-crop-x', crop[0]);
  await fill('imagestack-crop-y', crop[1]);
  await fill('imagestack-crop-width', crop[2]);
  await fill('imagestack-crop-height', crop[3]);
  await fill('imagestack-spacing-x', 0.5);
  await fill('imagestack-spacing-y', 0.5);
  await fill('imagestack-slice-spacing', 1);
  await page.waitForSelector('[data-cy=imagestack-load]:not([disabled])', { timeout: 120_000 });
}

/**
 * Runs the browser measurement on captures already written to `dir` (and a 3-slice stack in
 * `baselineDir`); `greyBytes` is the cropped 8-bit volume. Returns the JSON the bench prints.
 * `steps`: which of 'threshold', 'refine' and 'export' to run after the load (refine and export need the threshold's segment).
 */
export async function runBrowserScenario({ dir, baselineDir, crop, greyBytes, steps = ['threshold', 'refine', 'export'], anchor = true, census = !!process.env.IMAGESTACK_SCENARIO_HEAP, onImportPage, log = () => {} }) {
  const list = d => fs.readdirSync(d).sort().map(f => path.join(d, f));
  const files = list(dir);
  const viewer = await startViewer();
  const b = await openBrowser({ downloads: true });
  const { page, errors } = b;
  const mem = memorySampler();
  const out = { files: files.length, greyVolumeMB: +(greyBytes / MB).toFixed(1), loadAverage: os.loadavg().map(x => +x.toFixed(2)) };
  try {
    await page.addInitScript(COPY_HOOK);
    await page.goto(viewer.url + '/');
    mem.refresh();

    log('import page open');
    if (onImportPage) await onImportPage(page);
    if (anchor) {
      // the time anchor: just reading the files, twice (the second from a warm cache)
      const reads = [await readAnchor(page, files), await readAnchor(page, files)];
      out.readAnchor = { seconds: +Math.min(...reads.map(r => r.seconds)).toFixed(2), all: reads.map(r => +r.seconds.toFixed(2)), megabytes: Math.round(reads[0].bytes / MB) };
      log(`read anchor: ${out.readAnchor.all.join(', ')} s for ${out.readAnchor.megabytes} MB`);
    }

    // the memory anchor: the viewer showing a 3-slice stack of the same captures
    log('baseline stack');
    await importStack(page, list(baselineDir), crop);
    await page.click('[data-cy=imagestack-load]');
    await page.waitForURL(/\/imagestack\?/, { timeout: 120_000 });
    await waitForRenderedViewports(page, { minViewports: 1, timeout: 180_000 });
    await page.waitForFunction(volumeReady, null, { timeout: 180_000, polling: 250 });
    await page.waitForTimeout(1000); // let the first renders settle (a measurement anchor, not a wait for a result)
    await gc(page);
    const base = mem.now();
    mem.mark();
    out.baseline = { rendererMB: Math.round(base.renderer / MB), gpuMB: Math.round(base.gpu / MB) };
    const heapBase = census ? await arrayBufferCensus(page) : null;
    if (heapBase) log('heap census taken');
    if (heapBase) out.baseline.arrayBuffersMB = heapBase.arrayBuffersOver1MB;
    log(`baseline: renderer ${out.baseline.rendererMB} MB, GPU process ${out.baseline.gpuMB} MB`);

    // back to the import page in the same tab (the decode workers are kept), the big stack
    await page.evaluate(() => history.back());
    await importStack(page, files, crop);
    const fitText = await page.textContent('[data-cy=imagestack-check-fits]').catch(() => null);
    out.fitCheck = fitText;
    const beforeLoad = mem.now();
    mem.mark();
    // IMAGESTACK_SCENARIO_PROFILE=1: a CPU profile of the page's main thread from Load to the volume ready (diagnosis)
    const profiler = process.env.IMAGESTACK_SCENARIO_PROFILE ? await page.context().newCDPSession(page) : null;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 1000 });
      await profiler.send('Profiler.start');
    }
    const t0 = performance.now();
    await page.click('[data-cy=imagestack-load]');
    await page.waitForURL(/\/imagestack\?/, { timeout: 600_000 });
    const decodedS = (performance.now() - t0) / 1000;
    const decodePeak = mem.mark();
    await waitForRenderedViewports(page, { minViewports: 1, timeout: 600_000 });
    await page.waitForFunction(firstSliceShown, null, { timeout: 600_000, polling: 50 });
    const firstSliceS = (performance.now() - t0) / 1000;
    await page.waitForFunction(volumeReady, null, { timeout: 600_000, polling: 100 });
    const readyS = (performance.now() - t0) / 1000;
    const loadPeak = mem.mark();
    if (profiler) {
      const { profile } = await profiler.send('Profiler.stop');
      await profiler.detach();
      out.profile = topSelfTime(profile);
    }
    await page.waitForTimeout(1000);
    await gc(page);
    const loaded = mem.now();
    out.load = {
      importPageRendererMB: Math.round(beforeLoad.renderer / MB),
      decodedAndViewerOpenS: +decodedS.toFixed(2),
      firstSliceS: +firstSliceS.toFixed(2),
      volumeReadyS: +readyS.toFixed(2),
      // from Load to the last slice in the volume (in the page's clock): what is left of volumeReadyS is Cornerstone taking the slices
      slicesDecodedS: await slicesDecodedS(page),
      rendererPeakAboveBaselineMB: Math.round((Math.max(decodePeak.renderer, loadPeak.renderer) - base.renderer) / MB),
      // the peak while the import page decodes, and while the viewer opens the volume
      rendererDecodePeakAboveBaselineMB: Math.round((decodePeak.renderer - base.renderer) / MB),
      rendererViewerPeakAboveBaselineMB: Math.round((loadPeak.renderer - base.renderer) / MB),
      rendererAboveBaselineMB: Math.round((loaded.renderer - base.renderer) / MB),
      gpuAboveBaselineMB: Math.round((loaded.gpu - base.gpu) / MB),
      gpuPeakAboveBaselineMB: Math.round((Math.max(decodePeak.gpu, loadPeak.gpu) - base.gpu) / MB),
      // the renderer's resident set above the baseline: private (anonymous) and shared memory (WebGL's transfer buffers to the GPU process)
      rendererAnonAboveBaselineMB: Math.round((loaded.rendererAnon - base.rendererAnon) / MB),
      rendererShmemAboveBaselineMB: Math.round((loaded.rendererShmem - base.rendererShmem) / MB),
    };
    if (process.env.IMAGESTACK_SCENARIO_WORKER_GC) {
      // diagnosis: what the page's idle workers hold in garbage (needs Chromium's --js-flags=--expose-gc)
      for (const w of page.workers()) await w.evaluate(() => globalThis.gc?.()).catch(() => {});
      await page.waitForTimeout(500);
      out.load.afterWorkerGcAboveBaselineMB = Math.round((mem.now().renderer - base.renderer) / MB);
      out.load.workers = page.workers().length;
    }
    if (census) {
      const heap = await arrayBufferCensus(page);
      out.load.arrayBuffersNewMB = heap.since(heapBase);
      out.load.heap = { arrayBuffersOver1MB: heap.arrayBuffersOver1MB, biggest: heap.biggest };
    }
    log(`load: first slice ${out.load.firstSliceS} s, slices decoded ${out.load.slicesDecodedS} s, volume ready ${out.load.volumeReadyS} s, renderer +${out.load.rendererAboveBaselineMB} MB (peak +${out.load.rendererPeakAboveBaselineMB})`);

    // 8-bit end to end
    out.volume = await page.evaluate(() => {
      const cs = window.cornerstone;
      const vp = cs.getRenderingEngines()[0].getViewports().find(v => v.getVolumeId?.());
      const v = cs.cache.getVolume(vp.getVolumeId());
      const ids = v.imageIds ?? [];
      const pixel = cs.metaData.get('imagePixelModule', ids[0]);
      const image = cs.cache.getImage(ids[0]);
      const series = window.services.imageStackService.latest();
      return {
        dimensions: v.dimensions,
        dataType: v.dataType ?? null,
        bitsAllocated: pixel?.bitsAllocated,
        recordBitsAllocated: series.instances[0].BitsAllocated,
        sliceVoxels: image?.voxelManager?.getScalarData?.()?.constructor.name,
        stackVoxels: series.stack.voxels.constructor.name,
      };
    });

    if (steps.includes('threshold')) {
      await page.waitForSelector('[data-cy=imagestack-threshold-min]', { timeout: 120_000 });
      await page.fill('[data-cy=imagestack-threshold-min]', '128');
      await page.fill('[data-cy=imagestack-threshold-max]', '255');
      const progress = await watchProgress(page, 'imagestack-threshold');
      mem.mark();
      const t1 = performance.now();
      await page.click('[data-cy=imagestack-threshold-apply]');
      await page.waitForFunction(() => /^Segment \d+ /.test(document.querySelector('[data-cy=imagestack-threshold-result]')?.textContent ?? ''), null, { timeout: 600_000, polling: 250 });
      const thresholdS = (performance.now() - t1) / 1000;
      const peak = mem.mark();
      await page.waitForTimeout(1000);
      await gc(page);
      const after = mem.now();
      out.threshold = {
        s: +thresholdS.toFixed(2),
        progressShown: (await progress()) > 0,
        result: await page.textContent('[data-cy=imagestack-threshold-result]'),
        rendererAboveBaselineMB: Math.round((after.renderer - base.renderer) / MB),
        rendererPeakAboveBaselineMB: Math.round((peak.renderer - base.renderer) / MB),
        gpuAboveBaselineMB: Math.round((after.gpu - base.gpu) / MB),
      };
      if (census) {
        const heap = await arrayBufferCensus(page);
        out.threshold.arrayBuffersNewMB = heap.since(heapBase);
        out.threshold.heap = { arrayBuffersOver1MB: heap.arrayBuffersOver1MB, biggest: heap.biggest };
      }
      log(`threshold: ${out.threshold.s} s, renderer +${out.threshold.rendererAboveBaselineMB} MB (peak +${out.threshold.rendererPeakAboveBaselineMB})`);
    }

    if (steps.includes('refine')) {
      // the refine step that needs most: every piece of the segment labelled, the largest kept
      await page.waitForSelector('[data-cy=imagestack-refine-largest]:not([disabled])', { timeout: 120_000 });
      const progress = await watchProgress(page, 'imagestack-refine');
      mem.mark();
      const t1 = performance.now();
      await page.click('[data-cy=imagestack-refine-largest]');
      await page.waitForFunction(
        () => /^Kept the largest piece/.test(document.querySelector('[data-cy=imagestack-refine-result]')?.textContent ?? '') || !!document.querySelector('[data-cy=imagestack-refine-error]'),
        null,
        { timeout: 900_000, polling: 250 },
      );
      const refineS = (performance.now() - t1) / 1000;
      const peak = mem.mark();
      out.refine = {
        s: +refineS.toFixed(2),
        progressShown: (await progress()) > 0,
        result: await page.textContent('[data-cy=imagestack-refine-result]'),
        error: (await page.$('[data-cy=imagestack-refine-error]')) ? await page.textContent('[data-cy=imagestack-refine-error]') : null,
        rendererPeakAboveBaselineMB: Math.round((peak.renderer - base.renderer) / MB),
      };
      log(`refine (largest piece): ${out.refine.s} s, ${out.refine.error ?? out.refine.result}, renderer peak +${out.refine.rendererPeakAboveBaselineMB} MB`);
    }

    if (steps.includes('export')) {
      await page.waitForSelector('[data-cy=imagestack-export-stl]:not([disabled])', { timeout: 120_000 });
      const progress = await watchProgress(page, 'imagestack-export');
      mem.mark();
      const t2 = performance.now();
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 900_000 }), page.click('[data-cy=imagestack-export-stl]')]);
      const stlPath = await download.path();
      const exportS = (performance.now() - t2) / 1000;
      const peak = mem.mark();
      const size = fs.statSync(stlPath).size;
      out.export = {
        s: +exportS.toFixed(2),
        progressUpdates: await progress(),
        stlMB: +(size / MB).toFixed(1),
        triangles: Math.max(0, (size - 84) / 50),
        rendererPeakAboveBaselineMB: Math.round((peak.renderer - base.renderer) / MB),
      };
      log(`export: ${out.export.s} s, ${out.export.triangles} triangles, renderer peak +${out.export.rendererPeakAboveBaselineMB} MB`);
    }

    out.fullCopies = await page.evaluate(() => window.__imagestackCopies);
    out.crashed = errors.some(e => e.startsWith('[crash]'));
    out.pageErrors = errors.slice(0, 10);
    const g = greyBytes / MB;
    out.ratios = {
      firstSliceS: out.load.firstSliceS,
      ...(out.readAnchor ? { volumeReadyToRead: +(out.load.volumeReadyS / out.readAnchor.seconds).toFixed(2) } : {}),
      // the main thread's big ArrayBuffers made since the baseline, against the grey volume
      ...(census ? { arrayBuffersToGrey: +(out.load.arrayBuffersNewMB / g).toFixed(2), ...(out.threshold ? { arrayBuffersWithLabelmapToGrey: +(out.threshold.arrayBuffersNewMB / g).toFixed(2) } : {}) } : {}),
      rendererToGrey: +(out.load.rendererAboveBaselineMB / g).toFixed(2),
      rendererPeakToGrey: +(out.load.rendererPeakAboveBaselineMB / g).toFixed(2),
      ...(out.threshold
        ? { rendererWithLabelmapToGrey: +(out.threshold.rendererAboveBaselineMB / g).toFixed(2), rendererPeakWithLabelmapToGrey: +(out.threshold.rendererPeakAboveBaselineMB / g).toFixed(2) }
        : {}),
      ...(out.refine ? { rendererPeakRefineToGrey: +(out.refine.rendererPeakAboveBaselineMB / g).toFixed(2) } : {}),
      ...(out.export ? { rendererPeakExportToGrey: +(out.export.rendererPeakAboveBaselineMB / g).toFixed(2) } : {}),
    };
    out.targets = 'firstSliceS ≤ 5, volumeReadyToRead ≤ 2, rendererToGrey ≤ 1.1, rendererWithLabelmapToGrey ≤ 2.2 (settled after GC; the peaks are beside them), 8-bit (bitsAllocated 8, Uint8Array), fullCopies empty';
    out.loadAverageEnd = os.loadavg().map(x => +x.toFixed(2));
    return out;
  } finally {
    mem.stop();
    await b.browser.close().catch(() => {});
    await viewer.close();
  }
}

/**
 * Generates the captures (and the 3-slice baseline stack) in a temp folder, runs the browser
 * measurement, removes them. `slices` is the size knob (330: the seed's ~2 GB).
 */
export async function runBrowserCaptureScenario({ width = 1920, height = 1080, slices = 330, crop = [210, 40, 1500, 1000], log = () => {}, ...options } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-browser-captures-'));
  try {
    const t0 = performance.now();
    const bytes = writeCaptureStack(path.join(tmp, 'captures'), { width, height, slices, crop });
    writeCaptureStack(path.join(tmp, 'baseline'), { width, height, slices: 3, crop });
    log(`wrote ${slices} captures, ${Math.round(bytes / MB)} MB, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const r = await runBrowserScenario({ dir: path.join(tmp, 'captures'), baselineDir: path.join(tmp, 'baseline'), crop, greyBytes: crop[2] * crop[3] * slices, log, ...options });
    return { stack: { files: slices, width, height, bitDepth: 24, megabytes: Math.round(bytes / MB), crop }, ...r };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
