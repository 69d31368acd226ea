// Real-valued slices (float, signed or 32-bit TIFF: micro-CT reconstructions) become 16-bit
// voxels through one linear map, voxel = round((value − intercept) / slope) clamped to
// 0..65535, so real = voxel · slope + intercept: exactly DICOM's RescaleSlope/Intercept, which
// keeps measurements in the source's units on export. The window mapped is the user's choice;
// by default the 0.1–99.9 percentiles of a sample of slices (a few outliers, such as a ring
// artefact or an air bubble's NaN, should not squeeze the tissue into a few grey levels).
import type { DecodedImage } from '../decode/types';
import { ImageStackError } from '../errors';
import type { PlannedSlice, StackPlan } from './plan';

/** real value = voxel × slope + intercept (DICOM RescaleSlope / RescaleIntercept). */
export interface Rescale {
  slope: number;
  intercept: number;
}

/** What the stack check shows of real-valued slices, and the window chosen. */
export interface ValueRange {
  /** Smallest and largest finite value seen in the sampled slices (when measured). */
  min?: number;
  max?: number;
  /** The window mapped to voxels 0..65535 (values outside are clamped). */
  low: number;
  high: number;
  /** How low/high were chosen: percentiles of the sample, or the user's numbers. */
  source: 'percentiles' | 'user';
  /** Percentiles used (when source is 'percentiles'), e.g. 0.1 and 99.9. */
  percentiles?: [number, number];
  /** Slices sampled (names), when measured. */
  sampled?: string[];
  /** Values that were not finite (NaN, ±Infinity) in the sample: they become voxel 0. */
  nonFinite?: number;
}

export const DEFAULT_PERCENTILES: [number, number] = [0.1, 99.9];
const VOXEL_MAX = 65535;

/** The rescale mapping [low, high] onto 0..65535. */
export function rescaleForWindow(low: number, high: number): Rescale {
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(high >= low)) {
    throw new ImageStackError('bad-argument', `the value range ${low} to ${high} is not a range (need two finite numbers, low ≤ high)`);
  }
  // A constant image: any slope maps it to 0; keep 1 so the export's slope is sane.
  return { slope: high > low ? (high - low) / VOXEL_MAX : 1, intercept: low };
}

/** One real value to its voxel under `r` (NaN to 0). */
export function toVoxel(v: number, r: Rescale): number {
  const x = Math.round((v - r.intercept) / r.slope);
  return x > 0 ? (x < VOXEL_MAX ? x : VOXEL_MAX) : 0;
}

/**
 * Map a real-valued grey image's `region` to 16-bit voxels, into `out` (length region
 * width × height). NaN maps to 0, ±Infinity to the ends.
 */
export function mapToVoxels(img: DecodedImage, region: { x: number; y: number; width: number; height: number }, r: Rescale, out: Uint16Array): void {
  const { width, data } = img;
  const inv = 1 / r.slope;
  const c = r.intercept;
  for (let y = 0; y < region.height; y++) {
    let s = (region.y + y) * width + region.x;
    let d = y * region.width;
    const end = d + region.width;
    for (; d < end; d++, s++) {
      const x = Math.round((data[s] - c) * inv);
      out[d] = x > 0 ? (x < VOXEL_MAX ? x : VOXEL_MAX) : 0; // NaN fails both tests: 0
    }
  }
}

/** The p-th percentile (0–100) of sorted finite values, by nearest rank. */
function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))));
  return sorted[k];
}

export interface SampleValueRangeOptions {
  /** Slices to sample, spread evenly through the stack (default 5). */
  slices?: number;
  /** Default DEFAULT_PERCENTILES. */
  percentiles?: [number, number];
  /** Values kept per slice, taken at an even stride (default 262144). */
  valuesPerSlice?: number;
}

/**
 * Measure the values of a real-valued stack on a few evenly spread slices (decoded by
 * `decode`, which reads a planned slice's page): min, max and the default window.
 */
export async function sampleValueRange(
  plan: StackPlan,
  decode: (slice: PlannedSlice) => Promise<DecodedImage>,
  opts: SampleValueRangeOptions = {},
): Promise<ValueRange> {
  const count = Math.max(1, Math.min(plan.slices.length, opts.slices ?? 5));
  const per = opts.valuesPerSlice ?? 262144;
  const [pLow, pHigh] = opts.percentiles ?? DEFAULT_PERCENTILES;
  const picks = [...new Set(Array.from({ length: count }, (_, i) => Math.round((i * (plan.slices.length - 1)) / Math.max(1, count - 1))))];
  const kept: number[] = [];
  let nonFinite = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const k of picks) {
    const img = await decode(plan.slices[k]);
    const { data } = img;
    const step = Math.max(1, Math.floor(data.length / per));
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!Number.isFinite(v)) {
        if (i % step === 0) nonFinite++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      if (i % step === 0) kept.push(v);
    }
  }
  const sorted = Float64Array.from(kept).sort();
  if (!sorted.length) {
    throw new ImageStackError('corrupt', `the sampled slices hold no finite values (all NaN or infinite)`, plan.slices[picks[0]].name);
  }
  return {
    min,
    max,
    low: percentile(sorted, pLow),
    high: percentile(sorted, pHigh),
    source: 'percentiles',
    percentiles: [pLow, pHigh],
    sampled: picks.map(k => plan.slices[k].name),
    ...(nonFinite ? { nonFinite } : {}),
  };
}

/** The plan with this value window chosen: its rescale set from `range.low`..`range.high`. */
export function withValueRange(plan: StackPlan, range: ValueRange): StackPlan {
  if (!plan.values) throw new ImageStackError('bad-argument', 'a value range applies only to real-valued (float or signed) slices');
  return { ...plan, valueRange: range, rescale: rescaleForWindow(range.low, range.high) };
}
