// Node only: read folders/files of slices into one VoxelStack, decoding in worker_threads.
import { defaultWorkers } from './meshWorkers';
import { ImageStackError } from '../../errors';
import type { SliceOrientation } from '../../geometry/sliceOrientation';
import type { CropRect, DownsampleFactor } from '../../geometry/types';
import type { StackReport } from '../assemble';
import type { GapPolicy } from '../gaps';
import type { StackPlan } from '../plan';
import { readStackFromTargets } from '../readSources';
import type { VoxelStack } from '../types';
import { createFileReader } from './fileReader';
import { fileTargets, listInputs } from './listInputs';
import { spawnNodeWorker } from './spawnNodeWorker';

export interface ReadStackOptions {
  /** Flip the natural order. */
  reverse?: boolean;
  /** x, y, width, height in original pixels, applied before downsampling and before allocation. */
  crop?: [number, number, number, number] | CropRect;
  /** In-plane mean of f × f blocks; slices are not combined (the geometry multiplies pixel spacing by f). */
  downsample?: DownsampleFactor;
  /** Flip/rotate each slice after crop and downsample (see SliceOrientation). */
  orient?: SliceOrientation;
  /**
   * Required when the numbering has gaps (else an ImageStackError 'bad-argument' before any
   * pixel is decoded): 'fill' interpolates each missing slice at its place, 'continuous'
   * stacks the files as if none were missing. `inspectStack` only reports gaps.
   */
  gapPolicy?: GapPolicy;
  /** Slices decoded so far, of total. Called in completion order. */
  onProgress?: (done: number, total: number) => void;
  /** Called once the headers are read and the stack is planned, before any pixel is decoded. */
  onPlan?: (plan: StackPlan) => void;
  signal?: AbortSignal;
  /** worker_threads to decode with; 0 decodes on this thread. Default: CPUs, at most 8. */
  workers?: number;
  /** Largest pixels per image (default DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
  /** Largest volume in bytes (default DEFAULT_MAX_VOLUME_BYTES). */
  maxVolumeBytes?: number;
  /**
   * The volume on a SharedArrayBuffer: workers write their slices in place, saving this
   * thread a copy (and the page faults) per slice, which on two cores competes with the two
   * workers (measured: 2-worker speed-up 1.14× → 1.45× on 96 megapixel BMPs).
   * `stack.voxels.buffer` is then a SharedArrayBuffer. Default true; false for an ArrayBuffer.
   */
  sharedMemory?: boolean;
}

async function scan(paths: readonly string[], opts: ReadStackOptions, keepVoxels: boolean) {
  const { files, skipped } = await listInputs(paths);
  // No more workers than files, except for one file (a multi-page TIFF is a whole stack);
  // they boot while the headers are read.
  const asked = opts.workers ?? defaultWorkers();
  const workers = files.length === 1 ? asked : Math.min(asked, files.length);
  try {
    return await readStackFromTargets(await fileTargets(files), {
      ...opts,
      sharedMemory: opts.sharedMemory ?? true,
      workers,
      spawn: spawnNodeWorker,
      reader: createFileReader(),
      skipped,
      keepVoxels,
    });
  } catch (e) {
    // Slices one folder down: say where they probably are.
    const folders = skipped.filter(s => s.reason.startsWith('folder'));
    if (e instanceof ImageStackError && e.code === 'empty' && folders.length) {
      const names = folders.slice(0, 3).map(f => `"${f.name}"`).join(', ');
      throw new ImageStackError('empty', `${e.message}; subfolders are not read: give ${folders.length === 1 ? 'the folder' : 'one of the folders'} ${names}${folders.length > 3 ? ', …' : ''} instead`, e.file);
    }
    throw e;
  }
}

/**
 * Read a stack: list the inputs (folders or files), read headers, plan (natural order,
 * optional reverse, same size everywhere, crop, downsample, memory check), then decode every
 * slice in worker_threads straight into one preallocated grey volume. Errors are
 * ImageStackErrors naming the file. `histogram`: voxelHistogram(stack.voxels), counted by the
 * workers as they decoded (for the series' window: buildExportRecords' `histogram`).
 */
export async function readStack(paths: readonly string[], opts: ReadStackOptions = {}): Promise<{ stack: VoxelStack; report: StackReport; histogram: Float64Array }> {
  const { stack, report, histogram } = await scan(paths, opts, true);
  return { stack: stack!, report, histogram: histogram! };
}

/**
 * Everything `readStack` reports (order, gaps, duplicates, coloured fraction, memory) without
 * keeping the volume: for `imagestack info`.
 */
export async function inspectStack(paths: readonly string[], opts: Omit<ReadStackOptions, 'maxVolumeBytes'> = {}): Promise<StackReport> {
  const { report } = await scan(paths, { ...opts, maxVolumeBytes: Number.POSITIVE_INFINITY }, false);
  return report;
}
