import { createStackAssembler, type StackReport } from './assemble';
import type { SourceReader } from './decodeSlice';
import { planStack, type SkippedFile, type StackPlan, type StackPlanOptions } from './plan';
import { decodeSourcePage, type DecodeSource } from './decodeSlice';
import { createDecodePool, type DecodePool, type SpawnWorker } from './pool';
import { sampleValueRange, withValueRange } from './valueRange';
import { probeTargets, type ProbeTarget } from './probe';
import type { VoxelStack } from './types';

export interface ReadSourcesOptions extends StackPlanOptions {
  /** Slices decoded so far, of total, in completion order. */
  onProgress?: (done: number, total: number) => void;
  /** The plan, once headers are read and before any pixel is decoded (show order, memory, gaps). */
  onPlan?: (plan: StackPlan) => void;
  signal?: AbortSignal;
  /** Decode workers: a running pool (kept open), or workers + spawn (a pool for this read only). */
  pool?: DecodePool;
  workers?: number;
  spawn?: SpawnWorker;
  /** For decoding on the calling thread, when the sources need a reader. */
  reader?: SourceReader;
  /** Largest pixels per image (default DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
  /** Extra skipped entries found while listing (folders, unreadable entries). */
  skipped?: SkippedFile[];
  /** false: statistics only (for `info`), no volume. Default true. */
  keepVoxels?: boolean;
  /**
   * Put the volume on a SharedArrayBuffer so workers write slices in place (no copy on this
   * thread). The stack's voxels are then a view of shared memory. Default false.
   */
  sharedMemory?: boolean;
}

/**
 * The whole ingestion, for any kind of source: probe headers, plan (order, size, crop,
 * downsample, memory; for real-valued slices the value window, measured on a sample of
 * slices unless `valueRange` gives it), decode in the pool straight into one preallocated volume, report.
 * `histogram`: the counts of the volume's values (voxelHistogram of stack.voxels, counted
 * slice by slice as they were decoded), for windowFromHistogram; null without a volume.
 * Node's readStack and the viewer's import both run this.
 */
export async function readStackFromTargets(
  targets: readonly ProbeTarget[],
  opts: ReadSourcesOptions = {},
): Promise<{ stack: VoxelStack | null; report: StackReport; plan: StackPlan; histogram: Float64Array | null }> {
  // A pool of our own starts now, so its workers boot while this thread probes the files.
  const pool = opts.pool ?? createDecodePool({ workers: opts.workers ?? 0, spawn: opts.spawn, reader: opts.reader });
  try {
    const infos = await probeTargets(targets, opts.maxPixels);
    let plan = planStack(infos, opts);
    // Real-valued slices with no window given: measure the default on a sample of slices.
    if (plan.values && !plan.rescale) {
      const p = plan;
      plan = withValueRange(p, await sampleValueRange(p, s => decodeSourcePage(s.source as DecodeSource, s.page, s.file, opts.reader, opts.maxPixels)));
    }
    if (opts.skipped?.length) plan.skipped.unshift(...opts.skipped);
    opts.onPlan?.(plan);
    const assembler = createStackAssembler(plan, { keepVoxels: opts.keepVoxels, sharedMemory: opts.sharedMemory, histogram: true });
    // with a volume, each worker also counts its slices' values (the histogram of the window)
    await pool.run(assembler.requests(opts.maxPixels), { onSlice: r => assembler.add(r), onProgress: opts.onProgress, signal: opts.signal });
    return { ...assembler.finish(), plan };
  } finally {
    if (!opts.pool) pool.close();
  }
}
