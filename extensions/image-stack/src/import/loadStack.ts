import {
  createDecodePool,
  createStackAssembler,
  webWorkerSpawner,
  type StackPlan,
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

/** The tab's decode workers (as many as the cores allow, up to two): started by the first load; each later load finds fresh ones already started (keptPool). */
export const decodeWorkers = keptPool(() => createDecodePool({ workers: decodeWorkerCount(Infinity), spawn: webWorkerSpawner(spawnDecodeWorker) }));

/**
 * Decodes every planned slice in Web Workers straight into one preallocated volume (the Files
 * are read by the workers, kept between loads; nothing but the grey volume is held here). Rejects with an
 * ImageStackError naming the file on the first bad slice, or a 'cancelled' one on abort.
 * `histogram`: voxelHistogram(stack.voxels), counted by the workers slice by slice as they
 * decode (addStack's window), so the page does not count the whole volume again after the last
 * slice, when the user is waiting for the viewer (0.7 s of the UI thread for the 2 GB captures);
 * `sliceRanges`: each slice's [min, max], from its histogram (the image loader's min/max).
 */
export async function loadStack(
  plan: StackPlan,
  { onProgress, signal }: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<{ stack: VoxelStack; report: StackReport; histogram: Float64Array; sliceRanges: Int32Array }> {
  return decodeWorkers.use(async pool => {
    const assembler = createStackAssembler(plan, { histogram: true });
    await pool.run(assembler.requests(), { onSlice: r => assembler.add(r), onProgress, signal });
    const { stack, report, histogram, sliceRanges } = assembler.finish();
    return { stack: stack!, report, histogram: histogram!, sliceRanges: sliceRanges! };
  });
}
