import { greyToHu, huRangeToGrey, huStep, isImageStackError, type CaptureWindow } from '@imagestack/core';

/**
 * The threshold's scale as the panel shows it: grey levels (0–255, 0–65535) as stored, or, with
 * the capture window the slices were taken with, approximate HU. The labelmap is always made
 * from grey levels; HU are only how the user reads and types the bounds.
 */
export interface ThresholdScale {
  /** The highest stored value (255 for 8-bit). */
  maxValue: number;
  captureWindow?: CaptureWindow;
}

/**
 * The precision HU are shown with: a power of ten no coarser than 1 HU and no coarser than one
 * grey step, so each grey level has its own text (brain 80/255 = 0.31 HU a step: 0.1 HU).
 */
export function huPrecision(w: CaptureWindow): number {
  return Math.min(1, 10 ** Math.floor(Math.log10(huStep(w))));
}

const decimalsOf = (p: number) => Math.max(0, -Math.round(Math.log10(p)));

/**
 * A grey bound shown in HU: the lower bound rounded down, the upper one up (to huPrecision), so
 * that the text read back (valueToGrey) selects exactly the same grey level.
 */
export function huText(w: CaptureWindow, grey: number, bound: 'lower' | 'upper'): string {
  const p = huPrecision(w);
  const hu = greyToHu(w, grey);
  // a hair of tolerance: greyToHu of a level that lands on a whole HU must not round away from it
  const q = bound === 'lower' ? Math.floor(hu / p + 1e-9) : Math.ceil(hu / p - 1e-9);
  return (q * p).toFixed(decimalsOf(p));
}

/** A grey bound in the panel's scale: the grey level itself, or its HU text. */
export function boundText(scale: ThresholdScale, grey: number, bound: 'lower' | 'upper'): string {
  return scale.captureWindow ? huText(scale.captureWindow, grey, bound) : String(grey);
}

/** The bounds as typed, read: the inclusive grey range, or what is wrong in the user's words. */
export type ThresholdReading = { grey: [number, number]; hu?: [number, number]; problem?: undefined } | { problem: string; grey?: undefined; hu?: undefined };

/**
 * Reads the two bounds as typed in the panel's scale. Grey levels must be whole numbers within
 * 0..maxValue; HU may be any numbers and become the grey levels whose approximate HU lie
 * inside (core's huRangeToGrey: inclusive, clamped to the window).
 */
export function readThresholdBounds(scale: ThresholdScale, lowerText: string, upperText: string): ThresholdReading {
  const w = scale.captureWindow;
  if (lowerText.trim() === '' || upperText.trim() === '') return { problem: 'Enter both ends of the range' };
  const lo = Number(lowerText);
  const hi = Number(upperText);
  if (!w) {
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) return { problem: 'Enter whole numbers for both ends of the range' };
    if (lo < 0 || hi > scale.maxValue) return { problem: `The range must lie within 0–${scale.maxValue}` };
    if (lo > hi) return { problem: 'The lower value is above the upper value' };
    return { grey: [lo, hi] };
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { problem: 'Enter numbers of HU for both ends of the range' };
  if (lo > hi) return { problem: 'The lower value is above the upper value' };
  try {
    const grey = huRangeToGrey(w, lo, hi);
    return { grey, hu: [greyToHu(w, grey[0]), greyToHu(w, grey[1])] };
  } catch (e) {
    if (isImageStackError(e)) return { problem: e.message.charAt(0).toUpperCase() + e.message.slice(1) };
    throw e;
  }
}
