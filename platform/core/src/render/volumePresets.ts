import { ImageStackError } from '../errors';

/**
 * A volume-rendering preset in the form Cornerstone3D's `CONSTANTS.VIEWPORT_PRESETS` and OHIF's
 * 3D rendering menu use: every field a string of numbers. `scalarOpacity` is "2n v₁ o₁ … vₙ oₙ"
 * (value, opacity), `colorTransfer` "4n v₁ r₁ g₁ b₁ …" (value, RGB 0–1), `gradientOpacity`
 * "4 gmin omin gmax omax"; values are the volume's stored scalar values. Cornerstone normalises
 * both transfer functions by the colour transfer's value range, so it spans the whole data range.
 */
export interface VolumeRenderingPreset {
  name: string;
  gradientOpacity: string;
  specularPower: string;
  scalarOpacity: string;
  specular: string;
  shade: string;
  ambient: string;
  colorTransfer: string;
  diffuse: string;
  interpolation: string;
}

/**
 * Counts of voxel values: bin i counts the value min + i · (max − min) / (counts.length − 1).
 * For 8-bit stacks the stack's own 256-bin histogram with min 0, max 255; for 16-bit the
 * 65536-bin one with max 65535; for float data histogramOfValues.
 */
export interface ValueHistogram {
  counts: ArrayLike<number>;
  min: number;
  max: number;
}

/** What the histogram says the stack holds, in its own values. */
export interface StackValueClasses {
  /** Lowest and highest value present (the data range the presets span). */
  min: number;
  max: number;
  /** Otsu threshold between dark (air, background) and the rest. */
  airTissue: number;
  /** Otsu threshold, above airTissue, between soft tissue and the brightest class (bone). */
  tissueBone: number;
  /** Fraction of all voxels above tissueBone. */
  boneFraction: number;
  /** Fraction of all voxels at or below airTissue. */
  airFraction: number;
  /** Width of an opacity ramp, in values: about 4 % of the range, at least one bin. */
  ramp: number;
}

/** The names our presets have in OHIF's menu (which shows 11 characters of a name). */
export const STACK_PRESET_NAMES = {
  bone: 'Stack bone',
  softTissue: 'Stack soft',
  air: 'Stack air',
} as const;

/** Below this fraction of voxels a bright class is an annotation, not bone: soft tissue is the default. */
const MIN_BONE_FRACTION = 0.005;

/** A histogram of float (or any) values in `bins` bins over their own range. */
export function histogramOfValues(values: ArrayLike<number>, bins = 1024): ValueHistogram {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max)) throw new ImageStackError('empty', 'no finite values to make a histogram of');
  const counts = new Float64Array(bins);
  const scale = max > min ? (bins - 1) / (max - min) : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= min && v <= max) counts[Math.round((v - min) * scale)]++;
  }
  return { counts, min, max };
}

/** Otsu's threshold over bins [from, to]: the last bin of the lower class (from when it cannot split). */
function otsuBin(counts: ArrayLike<number>, from: number, to: number): number {
  let total = 0;
  let sum = 0;
  for (let i = from; i <= to; i++) {
    total += counts[i];
    sum += i * counts[i];
  }
  let w0 = 0;
  let s0 = 0;
  let best = -1;
  let at = from;
  for (let i = from; i < to; i++) {
    w0 += counts[i];
    s0 += i * counts[i];
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const d = s0 / w0 - (sum - s0) / w1;
    const between = w0 * w1 * d * d;
    if (between > best) {
      best = between;
      at = i;
    }
  }
  // A run of empty bins after the split gives the same score: put the threshold in its middle.
  let end = at;
  while (end + 1 < to && counts[end + 1] === 0) end++;
  return Math.floor((at + end) / 2);
}

/**
 * The classes a stack's histogram shows: its range, an air/tissue threshold and a tissue/bone
 * threshold (two Otsu splits), and how much lies in each. Pure; the presets are built on it.
 */
export function stackValueClasses(h: ValueHistogram): StackValueClasses {
  const n = h.counts.length;
  if (n < 2 || !(h.max > h.min)) throw new ImageStackError('bad-argument', `a histogram needs at least 2 bins over a range, got ${n} over ${h.min}–${h.max}`);
  const step = (h.max - h.min) / (n - 1);
  const value = (bin: number) => h.min + bin * step;
  let first = -1;
  let last = -1;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (h.counts[i] > 0) {
      if (first < 0) first = i;
      last = i;
      total += h.counts[i];
    }
  }
  if (first < 0) throw new ImageStackError('empty', 'the histogram is empty: no voxels to derive presets from');
  const a = otsuBin(h.counts, first, last);
  const b = a < last ? otsuBin(h.counts, a + 1, last) : last;
  let above = 0;
  let below = 0;
  for (let i = first; i <= last; i++) {
    if (i > b) above += h.counts[i];
    if (i <= a) below += h.counts[i];
  }
  const min = value(first);
  // a constant volume still gets a range to spread the transfer functions over
  const max = last > first ? value(last) : min + step;
  return {
    min,
    max,
    airTissue: value(a) + step / 2,
    tissueBone: value(b) + step / 2,
    boneFraction: above / total,
    airFraction: below / total,
    ramp: Math.max(step, 0.04 * (max - min)),
  };
}

type OpacityPoint = [number, number];
type ColourPoint = [number, number, number, number];

const fmt = (v: number) => String(+v.toPrecision(7));

/** Points sorted by value, each strictly after the one before (vtk needs distinct values), clamped to [min, max]. */
function ordered<T extends number[]>(points: T[], min: number, max: number): T[] {
  const eps = (max - min) * 1e-6;
  const out: T[] = [];
  for (const p of points) {
    const q = [...p] as T;
    q[0] = Math.min(max, Math.max(min, q[0]));
    if (out.length && q[0] <= out[out.length - 1][0]) {
      if (out[out.length - 1][0] + eps > max) continue;
      q[0] = out[out.length - 1][0] + eps;
    }
    out.push(q);
  }
  return out;
}

function preset(name: string, opacity: OpacityPoint[], colour: ColourPoint[], c: StackValueClasses, lighting: { ambient: number; diffuse: number; specular: number }): VolumeRenderingPreset {
  const o = ordered(opacity, c.min, c.max);
  const k = ordered(colour, c.min, c.max);
  return {
    name,
    // no gradient modulation (opacity 1 at every gradient), as Cornerstone's CT presets
    gradientOpacity: '4 0 1 255 1',
    specularPower: '10',
    scalarOpacity: [o.length * 2, ...o.flat()].map(fmt).join(' '),
    specular: fmt(lighting.specular),
    shade: '1',
    ambient: fmt(lighting.ambient),
    colorTransfer: [k.length * 4, ...k.flat()].map(fmt).join(' '),
    diffuse: fmt(lighting.diffuse),
    interpolation: '1',
  };
}

/** The bone preset: opaque above the tissue/bone threshold, ivory to white. */
export function bonePreset(c: StackValueClasses): VolumeRenderingPreset {
  const t = c.tissueBone;
  return preset(
    STACK_PRESET_NAMES.bone,
    [
      [c.min, 0],
      [t, 0],
      [t + c.ramp, 0.9],
      [c.max, 0.95],
    ],
    [
      [c.min, 0.5, 0.4, 0.3],
      [t, 0.85, 0.75, 0.6],
      [c.max, 1, 1, 0.95],
    ],
    c,
    // ambient high enough that a surface seen edge-on is not black on a black background
    { ambient: 0.3, diffuse: 0.8, specular: 0.2 },
  );
}

/** Soft tissue: faint, reddish above the air/tissue threshold, with bone opaque and white. */
export function softTissuePreset(c: StackValueClasses): VolumeRenderingPreset {
  const t1 = c.airTissue;
  const t2 = Math.max(c.tissueBone, t1 + c.ramp);
  return preset(
    STACK_PRESET_NAMES.softTissue,
    [
      [c.min, 0],
      [t1, 0],
      [t1 + c.ramp, 0.08],
      [t2, 0.15],
      [t2 + c.ramp, 0.7],
      [c.max, 0.8],
    ],
    [
      [c.min, 0.3, 0.1, 0.1],
      [t1, 0.75, 0.4, 0.35],
      [t2, 0.9, 0.7, 0.6],
      [t2 + c.ramp, 1, 0.95, 0.85],
      [c.max, 1, 1, 1],
    ],
    c,
    { ambient: 0.25, diffuse: 0.8, specular: 0.1 },
  );
}

/**
 * Air as an inverse: what is dark (at or below the air/tissue threshold) is shown, pale blue,
 * tissue and bone are clear. Air outside the body shows as well: crop to the body, or segment
 * the airway and keep its island, to see the airway alone.
 */
export function airPreset(c: StackValueClasses): VolumeRenderingPreset {
  const t = c.airTissue;
  return preset(
    STACK_PRESET_NAMES.air,
    [
      [c.min, 0.15],
      [t - c.ramp, 0.15],
      [t, 0],
      [c.max, 0],
    ],
    [
      [c.min, 0.55, 0.75, 1],
      [t, 0.75, 0.9, 1],
      [c.max, 1, 1, 1],
    ],
    c,
    { ambient: 0.4, diffuse: 0.6, specular: 0 },
  );
}

export interface StackVolumePresets {
  /** Bone, soft tissue, air (inverse), in that order. */
  presets: VolumeRenderingPreset[];
  /** The name of the one to show first: bone when the stack has a bright class, soft tissue otherwise. */
  defaultPreset: string;
  classes: StackValueClasses;
}

/**
 * Volume-rendering presets made for this stack from its histogram (8-bit grey levels, 16-bit
 * values or a float histogram alike): bone, soft tissue and air as an inverse, and which to
 * show first.
 */
export function volumePresetsFromHistogram(h: ValueHistogram): StackVolumePresets {
  const classes = stackValueClasses(h);
  const presets = [bonePreset(classes), softTissuePreset(classes), airPreset(classes)];
  const defaultPreset = classes.boneFraction >= MIN_BONE_FRACTION ? STACK_PRESET_NAMES.bone : STACK_PRESET_NAMES.softTissue;
  return { presets, defaultPreset, classes };
}

/** A preset's scalar opacity at `value` (piecewise linear, flat beyond its end points). */
export function presetOpacityAt(p: VolumeRenderingPreset, value: number): number {
  const n = p.scalarOpacity.split(' ').map(Number);
  const pts: OpacityPoint[] = [];
  for (let i = 1; i + 1 < n.length; i += 2) pts.push([n[i], n[i + 1]]);
  if (value <= pts[0][0]) return pts[0][1];
  for (let i = 1; i < pts.length; i++) {
    if (value <= pts[i][0]) {
      const [v0, o0] = pts[i - 1];
      const [v1, o1] = pts[i];
      return o0 + ((o1 - o0) * (value - v0)) / (v1 - v0);
    }
  }
  return pts[pts.length - 1][1];
}
