import type { Rescale } from '../dicom/records';
import { ImageStackError } from '../errors';

/**
 * The display window a screen capture was taken with, in HU: the capture shows grey 0 at
 * level − width/2 and grey 255 at level + width/2, linearly in between (a "W 1500 L 300" or
 * "bone window" in the burned-in text). With it, grey levels read as approximate HU; values
 * outside the window were clipped by the capture and cannot be recovered.
 */
export interface CaptureWindow {
  /** Window centre (level), HU. */
  level: number;
  /** Window width, HU (> 0). */
  width: number;
  /** The named window it came from, if any. */
  name?: CaptureWindowName;
}

/** Windows a radiology screen usually names. */
export const NAMED_CAPTURE_WINDOWS = {
  brain: { level: 40, width: 80 },
  bone: { level: 300, width: 1500 },
  lung: { level: -600, width: 1500 },
  wide: { level: 0, width: 2000 },
} as const;

export type CaptureWindowName = keyof typeof NAMED_CAPTURE_WINDOWS;

/** The highest grey level of a capture (8-bit). */
export const CAPTURE_GREY_MAX = 255;

/** A checked capture window. */
export function captureWindow(level: number, width: number, name?: CaptureWindowName): CaptureWindow {
  if (!Number.isFinite(level)) throw new ImageStackError('bad-argument', `capture window level must be a number of HU, got ${level}`);
  if (!(width > 0) || !Number.isFinite(width)) throw new ImageStackError('bad-argument', `capture window width must be above 0 HU, got ${width}`);
  return name ? { level, width, name } : { level, width };
}

/**
 * Parses `<level>,<width>` in HU (`300,1500`, `-600,1500`) or a named window (brain 40/80,
 * bone 300/1500, lung −600/1500, wide 0/2000).
 */
export function parseCaptureWindow(text: string): CaptureWindow {
  const t = text.trim().toLowerCase();
  if (t in NAMED_CAPTURE_WINDOWS) {
    const w = NAMED_CAPTURE_WINDOWS[t as CaptureWindowName];
    return captureWindow(w.level, w.width, t as CaptureWindowName);
  }
  const m = /^(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$/.exec(t);
  if (!m) {
    throw new ImageStackError(
      'bad-argument',
      `capture window "${text}" should be <level>,<width> in HU (e.g. 300,1500) or one of ${Object.keys(NAMED_CAPTURE_WINDOWS).join(', ')}`,
    );
  }
  return captureWindow(Number(m[1]), Number(m[2]));
}

/** The HU between two neighbouring grey levels: width / 255. */
export function huStep(w: CaptureWindow): number {
  return w.width / CAPTURE_GREY_MAX;
}

/** Approximate HU of grey level g: level − width/2 + g · width/255. */
export function greyToHu(w: CaptureWindow, grey: number): number {
  return w.level - w.width / 2 + (grey * w.width) / CAPTURE_GREY_MAX;
}

/** The (fractional, unclamped) grey level that shows `hu`: the inverse of greyToHu. */
export function huToGrey(w: CaptureWindow, hu: number): number {
  return ((hu - w.level + w.width / 2) * CAPTURE_GREY_MAX) / w.width;
}

/** The DICOM modality rescale of a capture: HU = grey · width/255 + level − width/2. */
export function captureWindowRescale(w: CaptureWindow): Rescale {
  return {
    slope: huStep(w),
    intercept: w.level - w.width / 2,
    type: 'HU',
    description: `approximate HU from a capture window ${w.name ? `(${w.name}) ` : ''}level ${w.level} width ${w.width}; quantisation step ${+huStep(w).toPrecision(6)} HU; values outside the window were clipped`,
  };
}

/** A label for a window: "bone (L 300, W 1500)" or "L 40, W 400". */
export function captureWindowLabel(w: CaptureWindow): string {
  return `${w.name ? `${w.name} (` : ''}L ${w.level}, W ${w.width}${w.name ? ')' : ''}`;
}

// Grey levels nearer than this to a bound count as on it (HU → grey is not exact in binary).
const EPS = 1e-9;

/**
 * The inclusive grey range whose approximate HU lie in [loHu, hiHu] (hiHu may be Infinity),
 * clamped to 0..255. Refuses a range that holds no grey level (narrower than one step, or
 * outside the window).
 */
export function huRangeToGrey(w: CaptureWindow, loHu: number, hiHu: number = Infinity): [number, number] {
  if (!(loHu <= hiHu)) throw new ImageStackError('bad-argument', `HU range ${loHu}–${hiHu} is empty: give low ≤ high`);
  const lo = Math.max(0, Math.ceil(huToGrey(w, loHu) - EPS));
  const hi = hiHu === Infinity ? Infinity : Math.min(CAPTURE_GREY_MAX, Math.floor(huToGrey(w, hiHu) + EPS));
  if (lo > CAPTURE_GREY_MAX || lo > hi) {
    throw new ImageStackError(
      'bad-argument',
      `no grey level of the capture window ${captureWindowLabel(w)} lies in ${loHu}–${hiHu} HU (it spans ${greyToHu(w, 0)}..${greyToHu(w, CAPTURE_GREY_MAX)} HU in steps of ${+huStep(w).toPrecision(4)} HU)`,
    );
  }
  return [lo, hi];
}

/** A threshold as given: the inclusive grey range used, and with a capture window its HU. */
export interface ThresholdInUnits {
  /** Inclusive grey (stored value) range; high Infinity = no upper bound. */
  grey: [number, number];
  /** With a capture window: the approximate HU of the grey bounds (high Infinity = none). */
  hu?: [number, number];
}

const BOUND = /^(-?\d+(?:\.\d+)?)\s*(hu)?$/i;

/**
 * Parses `lo` or `lo:hi` (inclusive; `lo` alone means lo and above). Plain numbers are grey
 * levels; a bound written with a unit (`226HU`, `-500HU:200HU`) is in HU and needs a capture
 * window, and becomes the grey levels whose HU lie inside it.
 */
export function parseThresholdInUnits(text: string, w?: CaptureWindow): ThresholdInUnits {
  const parts = text.split(':');
  const bad = () =>
    new ImageStackError('bad-argument', `threshold "${text}" should be <low> or <low>:<high>, e.g. 100:255 (grey levels)${w ? ' or 226HU, -500HU:200HU' : ''}`);
  if (parts.length > 2) throw bad();
  const bounds = parts.map(p => BOUND.exec(p.trim()));
  if (bounds.some(b => !b)) throw bad();
  const [lo, hi] = bounds as RegExpExecArray[];
  const inHu = bounds.some(b => b![2]);
  if (inHu && !w) {
    throw new ImageStackError('bad-argument', `threshold "${text}" is in HU, which needs the capture window the slices were taken with (--capture-window <level>,<width> or a name)`);
  }
  const loValue = Number(lo[1]);
  const hiValue = hi ? Number(hi[1]) : Infinity;
  let grey: [number, number];
  if (!inHu) {
    grey = [loValue, hiValue];
  } else {
    // Each bound in its own unit: a grey bound stands, an HU bound becomes grey levels.
    const loHu = lo[2] ? loValue : greyToHu(w!, loValue);
    const hiHu = hi && !hi[2] ? greyToHu(w!, hiValue) : hiValue;
    grey = huRangeToGrey(w!, loHu, hiHu);
    if (!lo[2]) grey[0] = loValue;
    if (hi && !hi[2]) grey[1] = hiValue;
  }
  if (grey[0] > grey[1]) throw new ImageStackError('bad-argument', `threshold ${text}: low is above high`);
  return w ? { grey, hu: [greyToHu(w, grey[0]), grey[1] === Infinity ? Infinity : greyToHu(w, grey[1])] } : { grey };
}

/**
 * The capture window a HU rescale of 8-bit values stands for (the inverse of
 * captureWindowRescale): slope = width/255, intercept = level − width/2. Undefined for other
 * rescales.
 */
export function captureWindowFromRescale(r: Rescale | undefined): CaptureWindow | undefined {
  if (!r || r.type !== 'HU' || !(r.slope > 0)) return undefined;
  const width = +(r.slope * CAPTURE_GREY_MAX).toPrecision(12);
  const level = +(r.intercept + width / 2).toPrecision(12);
  const named = (Object.keys(NAMED_CAPTURE_WINDOWS) as CaptureWindowName[]).find(n => NAMED_CAPTURE_WINDOWS[n].level === level && NAMED_CAPTURE_WINDOWS[n].width === width);
  return captureWindow(level, width, named);
}
