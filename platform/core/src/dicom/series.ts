import { ImageStackError } from '../errors';
import type { StackGeometry } from '../geometry/types';
import { captureWindowRescale, type CaptureWindow } from '../hu/captureWindow';
import { sliceView, type VoxelStack } from '../stack/types';
import { writePart10 } from './part10';
import { buildSeriesRecords, type Rescale, type SeriesIdentity, type SyntheticCtRecord } from './records';
import { createSeriesUids, type SeriesUids } from './uids';
import { voxelHistogram, windowFromHistogram, type VoiWindow } from './window';

/** One written slice: what to call the file and its Part-10 bytes. */
export interface Part10File {
  sopInstanceUID: string;
  /** IMG0001.dcm, IMG0002.dcm, … in slice order (wider numbers past 9999 slices). */
  fileName: string;
  bytes: Uint8Array;
}

export interface ExportSeriesOptions {
  identity?: SeriesIdentity;
  /** The import's UIDs, when the viewer already made them; new ones otherwise. */
  uids?: SeriesUids;
  /** Defaults to windowFromHistogram of `histogram`, i.e. windowFromVoxels(stack.voxels). */
  window?: VoiWindow;
  /**
   * voxelHistogram(stack.voxels) when it is already counted (readStack's, counted slice by
   * slice as they were decoded): spares a pass over the whole volume.
   */
  histogram?: Float64Array;
  /**
   * The window the captures were taken with: the files then say approximate HU through
   * RescaleSlope/Intercept (captureWindowRescale), RescaleType HU. 8-bit stacks only; wins over
   * `rescale`.
   */
  captureWindow?: CaptureWindow;
  /** What the stored values mean (e.g. a DICOM input's own rescale); see exportRescale. */
  rescale?: Rescale;
}

/**
 * What an exported series' stored values mean, decided in one place for the CLI and the viewer:
 * a capture window's approximate HU (8-bit only), else the given rescale, else a real-valued
 * stack's mapping back to its source values (units unknown: 'US'), else none (grey levels).
 */
export function exportRescale(stack: Pick<VoxelStack, 'bitsStored' | 'rescale'>, options: Pick<ExportSeriesOptions, 'captureWindow' | 'rescale'> = {}): Rescale | undefined {
  if (options.captureWindow) {
    if (stack.bitsStored !== 8) throw new ImageStackError('bad-argument', `a capture window maps 8-bit grey levels to HU; these slices are ${stack.bitsStored}-bit`);
    return captureWindowRescale(options.captureWindow);
  }
  if (options.rescale) return options.rescale;
  if (stack.rescale) return { ...stack.rescale, type: 'US', description: 'voxel values mapped from the real values of the source slices' };
  return undefined;
}

/**
 * The histogram of a stack's values (its window's source): the one given, when the decode
 * counted it (readStack, the viewer's loadStack), checked to count as many values as the stack
 * holds (else a stale one would set the window); otherwise counted here.
 */
export function stackHistogram(stack: VoxelStack, histogram: Float64Array | undefined): Float64Array {
  if (!histogram) return voxelHistogram(stack.voxels);
  let counted = 0;
  for (let v = 0; v < histogram.length; v++) counted += histogram[v];
  if (counted !== stack.voxels.length) throw new Error(`stackHistogram: the histogram counts ${counted} values, the stack holds ${stack.voxels.length}`);
  return histogram;
}

/** The 'export' records of a whole stack, with the window taken from its voxels' histogram. */
export function buildExportRecords(stack: VoxelStack, geometry: StackGeometry, options: ExportSeriesOptions = {}): SyntheticCtRecord[] {
  return buildSeriesRecords(stack, geometry, options.uids ?? createSeriesUids(stack.slices), {
    storage: 'export',
    identity: options.identity,
    window: options.window ?? windowFromHistogram(stackHistogram(stack, options.histogram)),
    rescale: exportRescale(stack, options),
  });
}

/** File name of instance `instanceNumber` (1-based) of a series of `count`. */
export function part10FileName(instanceNumber: number, count: number): string {
  return `IMG${String(instanceNumber).padStart(Math.max(4, String(count).length), '0')}.dcm`;
}

/**
 * Part-10 files of a stack, one slice at a time (only one slice's file is alive at once unless
 * the caller keeps them): for writing to disk, zipping or sending by STOW-RS.
 */
export function* part10Files(stack: VoxelStack, records: readonly SyntheticCtRecord[]): Generator<Part10File> {
  if (records.length !== stack.slices) throw new Error(`part10Files: ${records.length} records for ${stack.slices} slices`);
  for (let k = 0; k < stack.slices; k++) {
    yield {
      sopInstanceUID: records[k].SOPInstanceUID,
      fileName: part10FileName(k + 1, stack.slices),
      bytes: writePart10(records[k], sliceView(stack, k)),
    };
  }
}
