import {
  DEFAULT_MAX_VOLUME_BYTES,
  downsampledLength,
  orientedSize,
  type CropRect,
  type DownsampleFactor,
  type SliceOrientation,
} from '@imagestack/core';

/**
 * Whether the volume the import page would build fits this browser, decided before loading
 * from the page's own estimate (columns × rows × slices × bytes per voxel): the GPU's largest
 * 3D texture (WebGL2 MAX_3D_TEXTURE_SIZE; the MPR and 3D views upload the volume as one) and
 * the tab's memory budget. When it does not fit, it says so with the numbers and proposes the
 * crop or downsample that would.
 */

/** What the volume must fit in. */
export interface VolumeLimits {
  /** WebGL2 MAX_3D_TEXTURE_SIZE of this browser; undefined when it could not be asked (then not checked). */
  max3DTextureSize?: number;
  /** Bytes the grey volume may take in this tab. */
  budgetBytes: number;
  /** Where the budget comes from, for the message ("a quarter of the device's 8 GiB"). */
  budgetSource: string;
}

/** The volume as the page plans it: the crop in pixels of the files, then downsample, then orientation. */
export interface VolumeShape {
  crop: CropRect;
  downsample: DownsampleFactor;
  orient?: SliceOrientation;
  slices: number;
  bitDepth: 8 | 16;
}

export interface FitProblem {
  kind: 'texture' | 'memory';
  text: string;
}

export interface VolumeFit {
  columns: number;
  rows: number;
  slices: number;
  bytes: number;
  problems: FitProblem[];
  /** The smallest larger downsample that fits, with what it makes. */
  downsample?: { factor: DownsampleFactor; columns: number; rows: number; bytes: number };
  /** A crop inside the current one, centred on it, that fits at the current downsample. */
  crop?: CropRect;
  /** More slices than the texture limit: neither crop nor downsample helps (fewer files do). */
  tooManySlices?: boolean;
}

const MiB = 2 ** 20;
export const mib = (bytes: number) => (bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0);

/**
 * The tab's budget for the grey volume: a quarter of the device's memory (Chromium's
 * navigator.deviceMemory, rounded down to a power of two and capped at 8 GiB; 4 GiB assumed
 * where the browser does not say). A quarter, because the tab also holds the volume's GPU
 * texture and a labelmap of the same size, besides the viewer itself. Never above core's
 * largest volume.
 */
export function memoryBudget(deviceMemoryGiB?: number): Pick<VolumeLimits, 'budgetBytes' | 'budgetSource'> {
  const known = typeof deviceMemoryGiB === 'number' && deviceMemoryGiB > 0;
  const gib = known ? deviceMemoryGiB : 4;
  const budgetBytes = Math.min(DEFAULT_MAX_VOLUME_BYTES, Math.floor((gib * 2 ** 30) / 4));
  return { budgetBytes, budgetSource: known ? `a quarter of the ${gib} GiB this browser reports` : `a quarter of 4 GiB (the browser does not say how much memory it has)` };
}

function shapeOf(s: VolumeShape) {
  const [columns, rows] = orientedSize(downsampledLength(s.crop.width, s.downsample), downsampledLength(s.crop.height, s.downsample), s.orient);
  return { columns, rows, bytes: columns * rows * s.slices * (s.bitDepth / 8) };
}

function fits(s: VolumeShape, limits: VolumeLimits): boolean {
  const { columns, rows, bytes } = shapeOf(s);
  const max = limits.max3DTextureSize ?? Infinity;
  return columns >= 1 && rows >= 1 && columns <= max && rows <= max && s.slices <= max && bytes <= limits.budgetBytes;
}

/** Shrinks a crop about its centre to `width × height` (whole pixels, inside the original). */
function centred(c: CropRect, width: number, height: number): CropRect {
  const w = Math.max(1, Math.min(c.width, Math.floor(width)));
  const h = Math.max(1, Math.min(c.height, Math.floor(height)));
  return { x: c.x + Math.floor((c.width - w) / 2), y: c.y + Math.floor((c.height - h) / 2), width: w, height: h };
}

/** The decision: problems with their numbers (empty: it fits), and what would make it fit. */
export function volumeFit(shape: VolumeShape, limits: VolumeLimits): VolumeFit {
  const { columns, rows, bytes } = shapeOf(shape);
  const { slices } = shape;
  const out: VolumeFit = { columns, rows, slices, bytes, problems: [] };
  const max = limits.max3DTextureSize;
  if (max !== undefined) {
    const over = [columns > max && `${columns} columns`, rows > max && `${rows} rows`, slices > max && `${slices} slices`].filter(Boolean);
    if (over.length) {
      out.problems.push({
        kind: 'texture',
        text: `${columns} × ${rows} × ${slices} voxels: ${over.join(' and ')} over this GPU's largest 3D texture (${max} per side): the MPR and 3D views would stay black`,
      });
    }
    if (slices > max) out.tooManySlices = true;
  }
  if (bytes > limits.budgetBytes) {
    out.problems.push({
      kind: 'memory',
      text: `the ${shape.bitDepth}-bit volume needs about ${mib(bytes)} MiB, over this tab's budget of ${mib(limits.budgetBytes)} MiB (${limits.budgetSource})`,
    });
  }
  if (!out.problems.length) return out;

  for (const factor of [2, 4] as const) {
    if (factor <= shape.downsample) continue;
    const s = { ...shape, downsample: factor };
    if (fits(s, limits)) {
      out.downsample = { factor, ...shapeOf(s) };
      break;
    }
  }
  if (!out.tooManySlices) {
    // the largest centred crop of the same proportions that fits, at this downsample
    const f = shape.downsample;
    // the limit is the same on both in-plane axes, so the orientation does not matter here
    const maxSide = (max ?? Infinity) * f + (f - 1); // floor(px / f) ≤ max
    const area = Math.sqrt(limits.budgetBytes / Math.max(1, bytes));
    let scale = Math.min(1, area);
    let crop = centred(shape.crop, Math.min(shape.crop.width * scale, maxSide), Math.min(shape.crop.height * scale, maxSide));
    for (let i = 0; i < 200 && !fits({ ...shape, crop }, limits); i++) {
      scale *= 0.99;
      crop = centred(shape.crop, Math.min(shape.crop.width * scale, maxSide), Math.min(shape.crop.height * scale, maxSide));
    }
    if (fits({ ...shape, crop }, limits)) out.crop = crop;
  }
  return out;
}

/** The same, as one line for the page when it fits ("1500 × 1000 × 330, 472 MiB of 2048 MiB; texture limit 2048"). */
export function fitSummary(fit: VolumeFit, limits: VolumeLimits): string {
  const tex = limits.max3DTextureSize ? `, within the GPU's 3D texture limit of ${limits.max3DTextureSize}` : ' (the GPU\'s texture limit is unknown)';
  return `${fit.columns} × ${fit.rows} × ${fit.slices}${tex}; ${mib(fit.bytes)} MiB of the ${mib(limits.budgetBytes)} MiB budget`;
}
