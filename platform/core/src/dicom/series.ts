import type { StackGeometry } from '../geometry/types';
import { sliceView, type VoxelStack } from '../stack/types';
import { writePart10 } from './part10';
import { buildSeriesRecords, type Rescale, type SeriesIdentity, type SyntheticCtRecord } from './records';
import { createSeriesUids, type SeriesUids } from './uids';
import { windowFromVoxels, type VoiWindow } from './window';

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
  /** Defaults to windowFromVoxels(stack.voxels). */
  window?: VoiWindow;
  /** What the stored values mean (e.g. captureWindowRescale: approximate HU); grey levels without. */
  rescale?: Rescale;
}

/**
 * The rescale of a stack built from real-valued slices (float or 32-bit TIFF mapped into 16-bit
 * voxels): the viewer and the exported files keep the source's values through
 * RescaleSlope/Intercept (their unit is the source's, unknown here: 'US'). None for grey levels.
 */
export function realValueRescale(stack: Pick<VoxelStack, 'rescale'>): Rescale | undefined {
  return stack.rescale ? { ...stack.rescale, type: 'US', description: 'voxel values mapped from the real values of the source slices' } : undefined;
}

/** The 'export' records of a whole stack, with the window taken from its voxels. */
export function buildExportRecords(stack: VoxelStack, geometry: StackGeometry, options: ExportSeriesOptions = {}): SyntheticCtRecord[] {
  return buildSeriesRecords(stack, geometry, options.uids ?? createSeriesUids(stack.slices), {
    storage: 'export',
    identity: options.identity,
    window: options.window ?? windowFromVoxels(stack.voxels),
    rescale: options.rescale,
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
