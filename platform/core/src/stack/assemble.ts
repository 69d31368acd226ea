import type { SliceRequest, SliceResult, DecodeSource } from './decodeSlice';
import type { StackPlan } from './plan';
import type { VoxelStack } from './types';

export interface DuplicateSlice {
  /** The later slice (in slice order)… */
  slice: string;
  /** …has exactly the same voxels as this earlier one. */
  sameAs: string;
}

/**
 * What the user should know about a stack: the `info` contract (DESIGN.md) and more. The
 * sizes, format and settings are the plan's (known from the headers); the rest is learnt by
 * decoding every slice.
 */
export interface StackReport
  extends Pick<StackPlan, 'files' | 'width' | 'height' | 'columns' | 'rows' | 'bitDepth' | 'format' | 'details' | 'skipped' | 'gaps' | 'memoryBytes' | 'crop' | 'downsample' | 'reverse' | 'folders'> {
  slices: number;
  /** Slice names in slice order. */
  order: string[];
  /** Slices identical (voxel for voxel, after grey/crop/downsample) to an earlier one. */
  duplicates: DuplicateSlice[];
  /** Coloured pixels (R, G, B not all equal) / all pixels inside the crop, over every slice. */
  colouredFraction: number;
  /** Slices with at least one coloured pixel. */
  colouredSlices: number;
}

/**
 * One decode request per planned slice. With `shared` (a volume on a SharedArrayBuffer, see
 * createStackAssembler), each request targets its slice of it, so workers write in place.
 */
export function sliceRequests(plan: StackPlan, maxPixels?: number, shared?: Uint8Array | Uint16Array | null): SliceRequest[] {
  const sliceBytes = plan.columns * plan.rows * (plan.bitDepth / 8);
  const sab = shared && typeof SharedArrayBuffer !== 'undefined' && shared.buffer instanceof SharedArrayBuffer ? shared.buffer : null;
  return plan.slices.map((s, index) => ({
    index,
    file: s.file,
    source: s.source as DecodeSource,
    page: s.page,
    width: plan.width,
    height: plan.height,
    bitDepth: plan.bitDepth,
    crop: plan.crop,
    downsample: plan.downsample,
    maxPixels,
    ...(sab ? { target: { buffer: sab, byteOffset: shared!.byteOffset + index * sliceBytes } } : {}),
  }));
}

/**
 * Collects decoded slices into one preallocated volume (or only their statistics, when
 * `keepVoxels` is false, as `info` does) and builds the report once every slice has arrived.
 */
export function createStackAssembler(plan: StackPlan, opts: { keepVoxels?: boolean; sharedMemory?: boolean } = {}) {
  const keep = opts.keepVoxels !== false;
  const n = plan.columns * plan.rows;
  const count = plan.slices.length;
  // On a SharedArrayBuffer (where there is one: Node, cross-origin-isolated pages) the workers
  // write their slices in place; otherwise each arrives in its own buffer and is copied here.
  const shared = keep && opts.sharedMemory && typeof SharedArrayBuffer !== 'undefined';
  const bytes = n * count * (plan.bitDepth / 8);
  const buffer = keep ? (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)) : null;
  const voxels = buffer ? (plan.bitDepth === 16 ? new Uint16Array(buffer) : new Uint8Array(buffer)) : null;
  const hashes: string[] = new Array(count);
  let coloured = 0;
  let pixels = 0;
  let colouredSlices = 0;
  let received = 0;
  return {
    voxels,
    add(r: SliceResult): void {
      if (r.voxels.length !== n) throw new Error(`slice ${r.index} has ${r.voxels.length} voxels, expected ${n}`);
      if (voxels && !r.inPlace) voxels.set(r.voxels, r.index * n);
      if (hashes[r.index] === undefined) received++;
      hashes[r.index] = r.hash;
      coloured += r.colouredPixels;
      pixels += r.pixels;
      if (r.colouredPixels) colouredSlices++;
    },
    finish(): { stack: VoxelStack | null; report: StackReport } {
      if (received !== count) throw new Error(`only ${received} of ${count} slices arrived`);
      const first = new Map<string, number>();
      const duplicates: DuplicateSlice[] = [];
      for (let k = 0; k < count; k++) {
        const seen = first.get(hashes[k]);
        if (seen === undefined) first.set(hashes[k], k);
        else duplicates.push({ slice: plan.slices[k].name, sameAs: plan.slices[seen].name });
      }
      const order = plan.slices.map(s => s.name);
      const report: StackReport = {
        files: plan.files,
        slices: count,
        width: plan.width,
        height: plan.height,
        columns: plan.columns,
        rows: plan.rows,
        bitDepth: plan.bitDepth,
        format: plan.format,
        details: plan.details,
        order,
        skipped: plan.skipped,
        gaps: plan.gaps,
        duplicates,
        colouredFraction: pixels ? coloured / pixels : 0,
        colouredSlices,
        memoryBytes: plan.memoryBytes,
        crop: plan.crop,
        downsample: plan.downsample,
        reverse: plan.reverse,
        folders: plan.folders,
      };
      const stack: VoxelStack | null = voxels
        ? { columns: plan.columns, rows: plan.rows, slices: count, bitsStored: plan.bitDepth, voxels, sliceNames: order }
        : null;
      return { stack, report };
    },
  };
}
