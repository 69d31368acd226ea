import { voxelHistogram } from '../dicom/window';
import type { SliceRequest, SliceResult, DecodeSource } from './decodeSlice';
import { checkGapPolicy } from './gaps';
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
  extends Pick<
    StackPlan,
    'files' | 'width' | 'height' | 'columns' | 'rows' | 'bitDepth' | 'format' | 'details' | 'skipped' | 'gaps' | 'gapPolicy' | 'memoryBytes' | 'crop' | 'downsample' | 'orient' | 'reverse' | 'folders'
  >,
    Pick<StackPlan, 'warnings' | 'orientations' | 'values' | 'valueRange' | 'rescale'> {
  slices: number;
  /** Slices no file holds, interpolated from their neighbours at their numbered places (gapPolicy 'fill'). */
  filled: FilledSlice[];
  /** Slice names in slice order. */
  order: string[];
  /** Slices identical (voxel for voxel, after grey/crop/downsample) to an earlier one. */
  duplicates: DuplicateSlice[];
  /** Coloured pixels (R, G, B not all equal) / all pixels inside the crop, over every slice. */
  colouredFraction: number;
  /** Slices with at least one coloured pixel. */
  colouredSlices: number;
}

/** A slice made by linear interpolation of its neighbours (a gap in the numbering, filled). */
export interface FilledSlice {
  /** "img_004.bmp (interpolated)". */
  slice: string;
  /** Its index in slice order. */
  index: number;
  /** The two slices it was interpolated from, and the weight of the second. */
  between: [string, string];
  weight: number;
}

/**
 * One decode request per planned slice that a file holds (filled slices are made by the
 * assembler, not decoded); `index` is the slice's place in the volume. With `shared` (a
 * volume on a SharedArrayBuffer, see createStackAssembler), each request targets its slice of
 * it, so workers write in place.
 */
export function sliceRequests(plan: StackPlan, maxPixels?: number, shared?: Uint8Array | Uint16Array | null): SliceRequest[] {
  const sliceBytes = plan.columns * plan.rows * (plan.bitDepth / 8);
  const sab = shared && typeof SharedArrayBuffer !== 'undefined' && shared.buffer instanceof SharedArrayBuffer ? shared.buffer : null;
  const requests: SliceRequest[] = [];
  const orient = plan.orient && (plan.orient.flip !== 'none' || plan.orient.rotate) ? plan.orient : undefined;
  plan.slices.forEach((s, index) => {
    if (s.fill) return;
    requests.push({
      index,
      file: s.file,
      source: s.source as DecodeSource,
      page: s.page,
      width: plan.width,
      height: plan.height,
      bitDepth: plan.bitDepth,
      crop: plan.crop,
      downsample: plan.downsample,
      ...(orient ? { orient } : {}),
      maxPixels,
      ...(plan.values ? { values: plan.values, rescale: plan.rescale } : {}),
      ...(sab ? { target: { buffer: sab, byteOffset: shared!.byteOffset + index * sliceBytes } } : {}),
    });
  });
  return requests;
}

/**
 * Makes each filled slice of `voxels` from its neighbours: (1 − w) · from + w · to, rounded,
 * and counts its values into `histogram` (and its range into `ranges`) when given.
 */
function fillSlices(plan: StackPlan, voxels: Uint8Array | Uint16Array, n: number, histogram: Float64Array | null, ranges: Int32Array | null): void {
  plan.slices.forEach((s, k) => {
    if (!s.fill) return;
    const { from, to, weight } = s.fill;
    const a = from * n;
    const b = to * n;
    const o = k * n;
    const w = weight;
    for (let i = 0; i < n; i++) voxels[o + i] = Math.round(voxels[a + i] + w * (voxels[b + i] - voxels[a + i]));
    if (histogram && ranges) addSliceCounts(histogram, ranges, k, voxelHistogram(voxels.subarray(o, o + n)));
  });
}

/**
 * Collects decoded slices into one preallocated volume (or only their statistics, when
 * `keepVoxels` is false, as `info` does) and builds the report once every slice has arrived.
 * With a volume and `histogram`, it also sums the histogram of the volume's values
 * (voxelHistogram, for the series' window) from the slices' own (requests with `histogram`:
 * counted in the workers) or, for a slice that arrives without one, from its voxels here.
 * Refuses (ImageStackError 'bad-argument') to build a volume of a gapped stack whose plan has
 * no gapPolicy: gaps are never silently squeezed out.
 */
export function createStackAssembler(plan: StackPlan, opts: { keepVoxels?: boolean; sharedMemory?: boolean; histogram?: boolean } = {}) {
  const keep = opts.keepVoxels !== false;
  if (keep) checkGapPolicy(plan.gaps, plan.gapPolicy);
  const n = plan.columns * plan.rows;
  const count = plan.slices.length;
  const decoded = plan.slices.reduce((c, s) => c + (s.fill ? 0 : 1), 0);
  // On a SharedArrayBuffer (where there is one: Node, cross-origin-isolated pages) the workers
  // write their slices in place; otherwise each arrives in its own buffer and is copied here.
  const shared = keep && opts.sharedMemory && typeof SharedArrayBuffer !== 'undefined';
  const bytes = n * count * (plan.bitDepth / 8);
  const buffer = keep ? (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)) : null;
  const voxels = buffer ? (plan.bitDepth === 16 ? new Uint16Array(buffer) : new Uint8Array(buffer)) : null;
  const histogram = voxels && opts.histogram ? new Float64Array(plan.bitDepth === 16 ? 65536 : 256) : null;
  // each slice's smallest and largest value, from its histogram (what an image loader reports
  // as the image's min/max, without a pass over the slice on the page)
  const sliceRanges = histogram ? new Int32Array(2 * count) : null;
  const hashes: string[] = new Array(count);
  let coloured = 0;
  let pixels = 0;
  let colouredSlices = 0;
  let received = 0;
  // The volume as finish() returns it, there from the start: a viewer can show the slices that
  // have arrived while the others decode (each slice's voxels are final once add() took it; a
  // filled slice once finish() ran).
  const fills = plan.slices.flatMap((s, k) => (s.fill ? [k] : []));
  const stack: VoxelStack | null = voxels
    ? {
        columns: plan.columns,
        rows: plan.rows,
        slices: count,
        bitsStored: plan.bitDepth,
        voxels,
        sliceNames: plan.slices.map(s => s.name),
        ...(fills.length ? { filledSlices: fills } : {}),
        ...(plan.rescale ? { rescale: plan.rescale } : {}),
      }
    : null;
  return {
    voxels,
    /** The volume being filled (null without `keepVoxels`): the same object finish() returns. */
    stack,
    /** The histogram of the volume's values, complete after finish(); null without a volume or without `histogram`. */
    histogram,
    /** With `histogram`: each slice's [min, max] (2k, 2k + 1), complete after finish(). */
    sliceRanges,
    /**
     * The decode requests that fill this assembler (sliceRequests): on a shared volume each
     * targets its slice of it, and with `histogram` each asks its worker to count the slice.
     */
    requests(maxPixels?: number): SliceRequest[] {
      const requests = sliceRequests(plan, maxPixels, voxels);
      return histogram ? requests.map(r => ({ ...r, histogram: true })) : requests;
    },
    add(r: SliceResult): void {
      if (r.voxels.length !== n) throw new Error(`slice ${r.index} has ${r.voxels.length} voxels, expected ${n}`);
      if (voxels && !r.inPlace) voxels.set(r.voxels, r.index * n);
      // a slice decoded again (its voxels the same) is counted once
      if (histogram && hashes[r.index] === undefined) {
        const own = r.histogram && r.histogram.length === histogram.length ? r.histogram : voxelHistogram(voxels!.subarray(r.index * n, (r.index + 1) * n));
        addSliceCounts(histogram, sliceRanges!, r.index, own);
      }
      if (hashes[r.index] === undefined) received++;
      hashes[r.index] = r.hash;
      coloured += r.colouredPixels;
      pixels += r.pixels;
      if (r.colouredPixels) colouredSlices++;
    },
    finish(): { stack: VoxelStack | null; report: StackReport; histogram: Float64Array | null; sliceRanges: Int32Array | null } {
      if (received !== decoded) throw new Error(`only ${received} of ${decoded} slices arrived`);
      if (voxels) fillSlices(plan, voxels, n, histogram, sliceRanges);
      const first = new Map<string, number>();
      const duplicates: DuplicateSlice[] = [];
      const filled: FilledSlice[] = [];
      for (let k = 0; k < count; k++) {
        const fill = plan.slices[k].fill;
        if (fill) {
          filled.push({ slice: plan.slices[k].name, index: k, between: [plan.slices[fill.from].name, plan.slices[fill.to].name], weight: fill.weight });
          continue;
        }
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
        ...(plan.gapPolicy ? { gapPolicy: plan.gapPolicy } : {}),
        filled,
        duplicates,
        colouredFraction: pixels ? coloured / pixels : 0,
        colouredSlices,
        memoryBytes: plan.memoryBytes,
        crop: plan.crop,
        downsample: plan.downsample,
        orient: plan.orient,
        reverse: plan.reverse,
        warnings: plan.warnings,
        orientations: plan.orientations,
        ...(plan.values ? { values: plan.values, valueRange: plan.valueRange, rescale: plan.rescale } : {}),
        folders: plan.folders,
      };
      return { stack, report, histogram, sliceRanges };
    },
  };
}

/** Slice k's histogram `own` added into the volume's, and its [min, max] into ranges[2k..2k+1] (an empty slice: 0, 0). */
function addSliceCounts(histogram: Float64Array, ranges: Int32Array, k: number, h: Float64Array): void {
  for (let v = 0; v < histogram.length; v++) histogram[v] += h[v];
  let lo = 0;
  while (lo < h.length - 1 && h[lo] === 0) lo++;
  let hi = h.length - 1;
  while (hi > lo && h[hi] === 0) hi--;
  ranges[2 * k] = lo;
  ranges[2 * k + 1] = hi;
}
