import {
  createDecodePool,
  createStackAssembler,
  ImageStackError,
  webWorkerSpawner,
  type StackPlan,
  type SliceRequest,
  type StackReport,
  type VoxelStack,
  type WebWorkerLike,
} from '@imagestack/core';
import { spawnDecodeWorker as spawnDecodeWebWorker } from '../workers/spawn';
import { keptPool } from './keptPool';

/** Decode workers: two (the measured sweet spot on two cores: reading the File is the floor), fewer on one core or a tiny stack. */
export function decodeWorkerCount(slices: number): number {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
  return Math.max(1, Math.min(2, cores, slices));
}

function spawnDecodeWorker(): WebWorkerLike {
  // a module worker running ../workers/decodeWorker.ts (core's serveSliceRequests)
  return spawnDecodeWebWorker() as unknown as WebWorkerLike;
}

/**
 * The tab's decode workers (as many as the cores allow, up to two): started by the first load;
 * each later load finds fresh ones already started (keptPool). 96 requests handed to each
 * worker ahead, which reads and decodes eight at a time in order (serveSliceRequests): while
 * the viewer opens, the page's thread is busy for up to seconds at a time (shader compiles,
 * renders), and workers given only as many requests as they read at once ran dry waiting for it
 * to hand out the next. On the 2 GB captures, one run each on 2026-12-03: eight in flight, the
 * workers idle 2.0 s and every slice decoded at 6.1 s (volume ready 2.74× reading the files);
 * 32, idle 0.85 s, 5.3 s (2.23×); 96, idle 0, 4.6 s (2.18×), first slice 3.0–3.3 s each time.
 * (Before the workers queued them, sixteen in flight meant sixteen reads at once, and the first
 * slice showed later.)
 */
export const decodeWorkers = keptPool(() => createDecodePool({ workers: decodeWorkerCount(Infinity), spawn: webWorkerSpawner(spawnDecodeWorker), inFlightPerWorker: 96 }));

/**
 * Decodes every planned slice in Web Workers straight into one preallocated volume (the Files
 * are read by the workers, kept between loads; nothing but the grey volume is held here). Rejects with an
 * ImageStackError naming the file on the first bad slice, or a 'cancelled' one on abort.
 * `histogram`: voxelHistogram(stack.voxels), counted by the workers slice by slice as they
 * decode (addStack's window), so the page does not count the whole volume again after the last
 * slice, when the user is waiting for the viewer (0.7 s of the UI thread for the 2 GB captures);
 * `sliceRanges`: each slice's [min, max], from its histogram (the image loader's min/max).
 * The streamed load awaited to its end (a restore: its labelmap needs the whole volume), so
 * both paths decode the same way.
 */
export async function loadStack(
  plan: StackPlan,
  { onProgress, signal }: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<{ stack: VoxelStack; report: StackReport; histogram: Float64Array; sliceRanges: Int32Array }> {
  const load = startStreamingLoad(plan, { onProgress, signal });
  const { report, histogram, sliceRanges } = await load.done;
  return { stack: load.stack, report, histogram, sliceRanges };
}

/**
 * The order a streamed load decodes its slices in: the middle slice first (the one the viewports
 * open on), then `sample` slices spread over the stack (their histogram gives the viewer's first
 * window), then every fourth slice from the fourth, the second, the third and the first, as
 * Cornerstone's interleaved volume retrieval asks for them (its 'quarterThumb' … 'finalFull'
 * stages), so the image loader's requests find their slice decoded or next in line.
 */
export function streamingOrder(count: number, sample: number): number[] {
  const seen = new Uint8Array(count);
  const order: number[] = [];
  const take = (k: number) => {
    if (k >= 0 && k < count && !seen[k]) {
      seen[k] = 1;
      order.push(k);
    }
  };
  take(Math.floor((count - 1) / 2));
  take(Math.ceil((count - 1) / 2));
  const spread = Math.min(count, Math.max(0, Math.floor(sample)));
  for (let i = 0; i < spread; i++) take(spread === 1 ? 0 : Math.round((i * (count - 1)) / (spread - 1)));
  for (const offset of [3, 1, 2, 0]) for (let k = offset; k < count; k += 4) take(k);
  return order;
}

/** The User Timing marks of a streamed load: its start, and every slice in the volume. */
export const LOAD_MARKS = { start: 'imagestack-load-start', decoded: 'imagestack-slices-decoded' } as const;

/** How many spread slices a streamed load decodes before the viewer opens (their histogram is its first window). */
export function streamingSample(count: number): number {
  return Math.min(count, Math.max(3, Math.ceil(count / 32)));
}

/** A load that the viewer can open on before it ends (startStreamingLoad). */
export interface StreamingLoad {
  /** The volume being filled: slice k's voxels are final once sliceReady(k) resolved. */
  stack: VoxelStack;
  /** Each slice's [min, max], slice k's set when sliceReady(k) resolved. */
  sliceRanges: Int32Array;
  /** Resolves when slice k is in the volume (a filled gap: when the load is done); rejects with the load's error. */
  sliceReady(k: number): Promise<void>;
  /** The histogram of the first decoded slices (the middle one and a spread sample): the viewer's first window. */
  opened: Promise<Float64Array>;
  /** The whole load: the report, voxelHistogram(stack.voxels) and the final slice ranges. */
  done: Promise<{ report: StackReport; histogram: Float64Array; sliceRanges: Int32Array }>;
  /** Slices in the volume so far, of all. */
  progress(): { done: number; total: number };
  cancel(): void;
}

/**
 * loadStack, streamed: the same decode into the same volume (streamingOrder's order), with the
 * volume there from the start, so the viewer opens once `opened` resolves and its image loader
 * waits on each slice (sliceReady) instead of the user waiting for the last. `done` rejects
 * like loadStack (the file named; 'cancelled' on cancel or `signal`); so do the slices not yet
 * in the volume.
 */
export function startStreamingLoad(
  plan: StackPlan,
  {
    signal,
    onProgress,
    pool = decodeWorkers,
  }: {
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
    /** The decode pool to run on (the tab's kept Web Workers; tests give another). */
    pool?: Pick<typeof decodeWorkers, 'use'>;
  } = {},
): StreamingLoad {
  // marks for the scale benchmark (bench/lib/browserScenario.mjs): from Load to the last slice decoded
  globalThis.performance?.mark?.(LOAD_MARKS.start);
  // Cross-origin isolated (our server sends COOP/COEP): the workers write each slice straight
  // into the volume, so the page copies nothing while the viewer opens (2 GB captures, two
  // rounds alternating: volume ready 4.35–4.59 s against 4.82–4.83 s with the page copying).
  const assembler = createStackAssembler(plan, { histogram: true, sharedMemory: globalThis.crossOriginIsolated === true });
  const count = plan.slices.length;
  const sample = streamingSample(count);
  const bySlice = new Map<number, SliceRequest>(assembler.requests().map(r => [r.index, r]));
  const requests = streamingOrder(count, sample).flatMap(k => bySlice.get(k) ?? []);
  const decodedBeforeOpen = Math.min(requests.length, sample + 2);
  const waiting = new Map<number, Array<{ resolve: () => void; reject: (e: unknown) => void }>>();
  const arrived = new Uint8Array(count);
  let failure: unknown = null;
  let received = 0;
  // Let go of the caller's callback when the load ends: the closures returned here outlive it
  // (the series keeps sliceReady), and a page's callback holds its page (the import page's
  // decoded previews: 4 slices of 2 MB kept on the 2 GB captures, measured).
  let progress = onProgress;
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  signal?.addEventListener('abort', onAbort);
  let openResolve!: (h: Float64Array) => void;
  let openReject!: (e: unknown) => void;
  const opened = new Promise<Float64Array>((resolve, reject) => {
    openResolve = resolve;
    openReject = reject;
  });
  const settle = (k: number) => {
    arrived[k] = 1;
    for (const w of waiting.get(k) ?? []) w.resolve();
    waiting.delete(k);
  };
  const done = pool
    .use(p =>
      p.run(requests, {
        onSlice: r => {
          assembler.add(r);
          received++;
          settle(r.index);
          if (received === decodedBeforeOpen) openResolve(assembler.histogram!.slice());
        },
        onProgress: (d, t) => progress?.(d, t),
        signal: ac.signal,
      }),
    )
    .then(() => {
      const { report, histogram, sliceRanges } = assembler.finish();
      globalThis.performance?.mark?.(LOAD_MARKS.decoded);
      for (let k = 0; k < count; k++) if (!arrived[k]) settle(k); // the filled gaps
      if (!requests.length) openResolve(histogram!.slice());
      return { report, histogram: histogram!, sliceRanges: sliceRanges! };
    })
    .catch(e => {
      failure = e;
      for (const list of waiting.values()) for (const w of list) w.reject(e);
      waiting.clear();
      openReject(e);
      throw e;
    })
    .finally(() => {
      signal?.removeEventListener('abort', onAbort);
      progress = undefined;
    });
  // a caller that only awaits `opened` must not leave `done`'s rejection unhandled
  done.catch(() => undefined);
  return {
    stack: assembler.stack!,
    sliceRanges: assembler.sliceRanges!,
    sliceReady(k) {
      if (arrived[k]) return Promise.resolve();
      if (failure) return Promise.reject(failure);
      if (!(k >= 0 && k < count)) return Promise.reject(new ImageStackError('bad-argument', `slice ${k} is not in this stack of ${count}`));
      return new Promise<void>((resolve, reject) => {
        const list = waiting.get(k) ?? [];
        list.push({ resolve, reject });
        waiting.set(k, list);
      });
    },
    opened,
    done,
    progress: () => ({ done: received, total: requests.length }),
    cancel: () => ac.abort(),
  };
}

/** What a load found worth knowing (duplicate slices, coloured overlays, filled gaps), in the user's words: the series' notes. */
export function loadWarnings(report: StackReport): string[] {
  const warnings: string[] = [];
  if (report.duplicates.length) {
    const d = report.duplicates[0];
    warnings.push(`${report.duplicates.length} duplicate slice(s): ${d.slice} is identical to ${d.sameAs}${report.duplicates.length > 1 ? ', …' : ''}`);
  }
  if (report.colouredSlices) {
    warnings.push(`${report.colouredSlices} slice(s) have coloured pixels (${(report.colouredFraction * 100).toFixed(2)} %): overlays are converted to grey`);
  }
  if (report.filled.length) {
    warnings.push(`${report.filled.length} missing slice(s) filled by interpolation of their neighbours: ${report.filled.slice(0, 3).map(f => f.slice).join(', ')}${report.filled.length > 3 ? ', …' : ''}`);
  }
  return warnings;
}
