import type { ImageFormat, ImageHeader, SampleFormat } from '../decode/types';
import { ImageStackError } from '../errors';
import { checkCrop } from '../geometry/crop';
import { checkDownsample, downsampledLength } from '../geometry/downsample';
import { checkSliceOrientation, orientedSize, type SliceOrientation } from '../geometry/sliceOrientation';
import type { CropRect, DownsampleFactor } from '../geometry/types';
import { findGaps, planGapFills, type GapFill, type GapPolicy, type SliceGap } from './gaps';
import { naturalCompare } from './naturalSort';
import { rescaleForWindow, type Rescale, type ValueRange } from './valueRange';

/** One candidate file: its name as the user sees it, where to read it, and its header (null: not an image). */
export interface StackFileInfo {
  /** Shown to the user and used for sorting ("IMG (2).bmp"). */
  name: string;
  /** What the reader needs (a path in Node, a File in the browser); opaque here. */
  source: unknown;
  size: number;
  header: ImageHeader | null;
  /** Why it is not an image, when header is null ("text file", "Windows thumbnail cache"). */
  skipReason?: string;
}

export interface SkippedFile {
  name: string;
  reason: string;
}

/** One slice of the planned volume: page `page` of the file `source`. */
export interface PlannedSlice {
  /** "IMG (2).bmp", or "stack.tif#3" for the third page of a multi-page TIFF (1-based). */
  name: string;
  file: string;
  source: unknown;
  page: number;
  /** Set on a slice no file holds (a gap filled by interpolation): its neighbours and weight. */
  fill?: GapFill;
}

export interface StackPlanOptions {
  reverse?: boolean;
  /** In original pixels; x, y, width, height or a CropRect. */
  crop?: CropRect | [number, number, number, number];
  /** In-plane only: the slice count is unchanged. */
  downsample?: DownsampleFactor;
  /** Flip/rotate each slice after crop and downsample (columns and rows swap for 90°/270°). */
  orient?: SliceOrientation;
  /**
   * What to do with gaps in the numbering ('fill' inserts interpolated slices at the missing
   * numbers). Not needed to plan, but required to build a volume from a gapped stack (see
   * checkGapPolicy).
   */
  gapPolicy?: GapPolicy;
  /** Refuse volumes larger than this many bytes (default DEFAULT_MAX_VOLUME_BYTES). */
  maxVolumeBytes?: number;
  /**
   * Real-valued slices: the window of values mapped to voxels 0..65535 (the user's choice).
   * Without it the window is measured on a sample of slices (see stack/valueRange.ts).
   */
  valueRange?: { low: number; high: number };
}

/** A harmless oddity tolerated in one file (as Pillow and libjpeg tolerate it). */
export interface FileWarning {
  file: string;
  message: string;
}

export interface StackPlan {
  slices: PlannedSlice[];
  /** Image files used (a multi-page TIFF counts once). */
  files: number;
  /** Size of the source slices. */
  width: number;
  height: number;
  /** Size of the volume's slices after crop, downsample and orientation. */
  columns: number;
  rows: number;
  bitDepth: 8 | 16;
  /** 'bmp', 'png', 'jpeg', 'tiff', or several joined with '+' when mixed. */
  format: string;
  /** Header descriptions seen ("BMP 24-bit", …), most common first. */
  details: string[];
  /** Largest channel count among the files (1: all grey already). */
  channels: 1 | 2 | 3 | 4;
  crop: CropRect;
  downsample: DownsampleFactor;
  orient: Required<SliceOrientation>;
  reverse: boolean;
  skipped: SkippedFile[];
  gaps: SliceGap[];
  /** As given; with 'fill', `slices` includes the filled ones (marked `fill`). */
  gapPolicy?: GapPolicy;
  /** Bytes of the assembled grey volume (columns × rows × slices × bytes per voxel). */
  memoryBytes: number;
  /** Harmless oddities tolerated, per file, for the stack check to show. */
  warnings: FileWarning[];
  /** Files (JPEG) turned upright by their EXIF orientation (2–8; 1 is not listed). */
  orientations: { file: string; orientation: number }[];
  /**
   * Real-valued slices (float, signed or 32-bit TIFF): their sample format and bits. The
   * volume is then 16-bit (bitDepth 16) through `rescale`. Absent for 8/16-bit images.
   */
  values?: { sampleFormat: SampleFormat; bitDepth: 8 | 16 | 32 | 64 };
  /** The values seen and the window mapped (real-valued slices, once chosen or measured). */
  valueRange?: ValueRange;
  /** real = voxel × slope + intercept (real-valued slices; DICOM RescaleSlope/Intercept on export). */
  rescale?: Rescale;
}

/** 4 GiB − 1: the largest typed array Node 20 and Chromium allocate. */
export const DEFAULT_MAX_VOLUME_BYTES = 2 ** 32 - 1;

export function toCropRect(crop: CropRect | [number, number, number, number] | undefined, width: number, height: number): CropRect {
  if (!crop) return { x: 0, y: 0, width, height };
  const rect = Array.isArray(crop) ? { x: crop[0], y: crop[1], width: crop[2], height: crop[3] } : crop;
  return checkCrop(rect, width, height);
}

function kindOf(h: ImageHeader): string {
  return `${h.width} × ${h.height} ${h.bitDepth}-bit${h.sampleFormat ? ` ${h.sampleFormat === 'float' ? 'float' : h.sampleFormat === 'int' ? 'signed' : 'unsigned'}` : ''}`;
}

/**
 * Plan a stack from file headers, before decoding any pixels: natural order (optionally
 * reversed), skipped non-images, gaps in numbered names, one size and bit depth for every
 * slice (else a 'mismatch' error naming the odd file), crop and downsample checked, and the
 * volume's memory (else 'too-large' before anything is allocated). With `gapPolicy: 'fill'`
 * the missing numbers become planned slices marked `fill` (made when the stack is assembled);
 * with `orient`, columns and rows are those of the oriented slices. Pure: the CLI and the
 * browser both call it.
 */
export function planStack(files: readonly StackFileInfo[], opts: StackPlanOptions = {}): StackPlan {
  const skipped: SkippedFile[] = [];
  const images: (StackFileInfo & { header: ImageHeader })[] = [];
  for (const f of files) {
    if (f.header) images.push(f as StackFileInfo & { header: ImageHeader });
    else skipped.push({ name: f.name, reason: f.skipReason ?? 'not an image' });
  }
  if (!images.length) {
    throw new ImageStackError('empty', files.length ? `no BMP, PNG, JPEG or TIFF images among ${files.length} file(s)` : 'no files given');
  }
  images.sort((a, b) => naturalCompare(a.name, b.name));

  // The most common size and depth is the stack's; the first file that differs is named.
  const counts = new Map<string, number>();
  for (const f of images) counts.set(kindOf(f.header), (counts.get(kindOf(f.header)) ?? 0) + f.header.pages);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const odd = images.find(f => kindOf(f.header) !== majority);
  if (odd) {
    throw new ImageStackError('mismatch', `is ${kindOf(odd.header)}, but the other slices are ${majority}; all slices must have the same size and bit depth`, odd.name);
  }
  const { width, height, sampleFormat } = images[0].header;
  // Real-valued slices become 16-bit voxels through a rescale.
  const values = sampleFormat ? { sampleFormat, bitDepth: images[0].header.bitDepth } : undefined;
  const bitDepth: 8 | 16 = values || images[0].header.bitDepth === 16 ? 16 : 8;

  const slices: PlannedSlice[] = [];
  for (const f of images) {
    const p = f.header.pages;
    for (let k = 0; k < p; k++) slices.push({ name: p > 1 ? `${f.name}#${k + 1}` : f.name, file: f.name, source: f.source, page: k });
  }
  const reverse = !!opts.reverse;
  if (reverse) slices.reverse();
  const gaps = findGaps(images.map(f => f.name));
  if (opts.gapPolicy === 'fill' && gaps.length) insertFills(slices, gaps);

  const crop = toCropRect(opts.crop, width, height);
  const downsample = checkDownsample(opts.downsample ?? 1);
  const orient = checkSliceOrientation(opts.orient);
  const [columns, rows] = orientedSize(downsampledLength(crop.width, downsample), downsampledLength(crop.height, downsample), orient);
  if (columns < 1 || rows < 1) {
    throw new ImageStackError('bad-argument', `downsampling ${crop.width} × ${crop.height} by ${downsample} leaves no pixels`);
  }
  const memoryBytes = columns * rows * slices.length * (bitDepth / 8);
  const maxBytes = opts.maxVolumeBytes ?? DEFAULT_MAX_VOLUME_BYTES;
  if (memoryBytes > maxBytes) {
    const next = downsample === 1 ? 2 : downsample === 2 ? 4 : 0;
    const hint = next
      ? `; crop, or downsample by ${next} (about ${formatBytes(downsampledLength(crop.width, next) * downsampledLength(crop.height, next) * slices.length * (bitDepth / 8))})`
      : '; crop away more of each slice';
    throw new ImageStackError(
      'too-large',
      `${slices.length} slices of ${columns} × ${rows} ${bitDepth}-bit need ${formatBytes(memoryBytes)}, more than the ${formatBytes(maxBytes)} allowed${hint}`,
    );
  }

  const formats = [...new Set(images.map(f => f.header.format))] as ImageFormat[];
  const warnings: FileWarning[] = [];
  const orientations: StackPlan['orientations'] = [];
  for (const f of images) {
    for (const message of f.header.warnings ?? []) warnings.push({ file: f.name, message });
    if (f.header.orientation && f.header.orientation !== 1) orientations.push({ file: f.name, orientation: f.header.orientation });
  }
  const valueWindow = values && opts.valueRange ? { valueRange: { low: opts.valueRange.low, high: opts.valueRange.high, source: 'user' as const }, rescale: rescaleForWindow(opts.valueRange.low, opts.valueRange.high) } : {};
  const detailCounts = new Map<string, number>();
  for (const f of images) detailCounts.set(f.header.detail, (detailCounts.get(f.header.detail) ?? 0) + 1);
  return {
    slices,
    files: images.length,
    width,
    height,
    columns,
    rows,
    bitDepth,
    format: formats.join('+'),
    details: [...detailCounts.entries()].sort((a, b) => b[1] - a[1]).map(([d]) => d),
    channels: images.reduce<number>((c, f) => Math.max(c, f.header.channels), 1) as 1 | 2 | 3 | 4,
    crop,
    downsample,
    orient,
    reverse,
    skipped,
    gaps,
    ...(opts.gapPolicy ? { gapPolicy: opts.gapPolicy } : {}),
    memoryBytes,
    warnings,
    orientations,
    ...(values ? { values } : {}),
    ...valueWindow,
  };
}

/** Inserts the interpolated slices of planGapFills into `slices` (in place), with neighbour indices in the new order. */
function insertFills(slices: PlannedSlice[], gaps: SliceGap[]): void {
  // In slice order (stable: a gap's own fills stay in order).
  const fills = planGapFills(
    slices.map(s => s.file),
    gaps,
  ).sort((a, b) => a.insertAfter - b.insertAfter);
  const original = slices.splice(0);
  const newIndex: number[] = [];
  let f = 0;
  const pending: PlannedSlice[] = [];
  original.forEach((s, i) => {
    newIndex[i] = slices.length;
    slices.push(s);
    for (; f < fills.length && fills[f].insertAfter === i; f++) {
      const { insertAfter: _, ...fill } = fills[f];
      const p: PlannedSlice = { name: fill.name, file: fill.name, source: null, page: 0, fill };
      slices.push(p);
      pending.push(p);
    }
  });
  for (const p of pending) p.fill = { ...p.fill!, from: newIndex[p.fill!.from], to: newIndex[p.fill!.to] };
}

/** "1.5 GiB", "730 MiB", "12 KiB". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? n : n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ${units[u]}`;
}
