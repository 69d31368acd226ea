import { ImageStackError } from '../errors';
import { checkSpacingMm } from './spacing';
import type { RulerTickFit } from './rulerTicks';
import type { RulerLine } from './types';

/** Below this many pixels a drawn line is too short to calibrate from (a click, not a line). */
const MIN_LINE_PIXELS = 2;

function pixelDeltas(line: RulerLine, name: string): [number, number] {
  const values = [...line.from, ...line.to];
  if (values.length !== 4 || values.some(v => !Number.isFinite(v))) {
    throw new ImageStackError('bad-argument', `${name}: its end points must be two finite pixel positions`);
  }
  const dx = line.to[0] - line.from[0];
  const dy = line.to[1] - line.from[1];
  if (Math.hypot(dx, dy) < MIN_LINE_PIXELS) {
    throw new ImageStackError('bad-argument', `${name} is shorter than ${MIN_LINE_PIXELS} pixels: draw it along the ruler`);
  }
  if (!(line.lengthMm > 0) || !Number.isFinite(line.lengthMm)) {
    throw new ImageStackError('bad-argument', `${name}: its length must be a positive number of millimetres, got ${String(line.lengthMm)}`);
  }
  return [dx, dy];
}

/**
 * Pixel spacing from one ruler line, assuming square pixels: known length / length in pixels.
 * @returns spacing in mm, the same for x and y
 */
export function calibrateSquarePixels(line: RulerLine): number {
  const [dx, dy] = pixelDeltas(line, 'ruler line');
  return checkSpacingMm(line.lengthMm / Math.hypot(dx, dy), 'calibrated pixel spacing');
}

/**
 * Pixel spacing x and y from ruler lines. One line: square pixels (x = y). Two lines for
 * non-square pixels: each line gives lengthMm² = sx²·dx² + sy²·dy², two linear equations in
 * sx², sy². They must run in clearly different directions (one near the row direction, one
 * near the column direction works best); parallel lines, or a solution with a non-positive
 * square, are refused rather than guessed.
 */
export function calibrateSpacing(first: RulerLine, second?: RulerLine): { pixelSpacingXMm: number; pixelSpacingYMm: number } {
  if (!second) {
    const s = calibrateSquarePixels(first);
    return { pixelSpacingXMm: s, pixelSpacingYMm: s };
  }
  const [dx1, dy1] = pixelDeltas(first, 'first ruler line');
  const [dx2, dy2] = pixelDeltas(second, 'second ruler line');
  const a1 = dx1 * dx1;
  const b1 = dy1 * dy1;
  const a2 = dx2 * dx2;
  const b2 = dy2 * dy2;
  const l1 = first.lengthMm * first.lengthMm;
  const l2 = second.lengthMm * second.lengthMm;
  const det = a1 * b2 - a2 * b1;
  // Relative to the sizes involved: |det| / (|l1|·|l2| in pixels⁴) is sin²-like, 0 when parallel.
  const scale = (a1 + b1) * (a2 + b2);
  if (Math.abs(det) < 1e-3 * scale) {
    throw new ImageStackError(
      'bad-argument',
      'the two ruler lines run in (nearly) the same direction: draw one along the rows and one along the columns',
    );
  }
  const sx2 = (l1 * b2 - l2 * b1) / det;
  const sy2 = (a1 * l2 - a2 * l1) / det;
  if (!(sx2 > 0) || !(sy2 > 0)) {
    throw new ImageStackError(
      'bad-argument',
      'the two ruler lengths contradict each other (no positive pixel spacing fits both): check the lengths typed',
    );
  }
  return {
    pixelSpacingXMm: checkSpacingMm(Math.sqrt(sx2), 'calibrated pixel spacing x'),
    pixelSpacingYMm: checkSpacingMm(Math.sqrt(sy2), 'calibrated pixel spacing y'),
  };
}

/** Length in mm of a line between two pixel points, with pixel spacing x and y (for showing what a line measures). */
export function lineLengthMm(from: [number, number], to: [number, number], pixelSpacingXMm: number, pixelSpacingYMm: number): number {
  return Math.hypot((to[0] - from[0]) * pixelSpacingXMm, (to[1] - from[1]) * pixelSpacingYMm);
}

/** How the pixel spacing was found: typed, from one ruler line, two (non-square pixels), or fitted to a ruler's ticks. */
export type CalibrationMethod = 'typed' | 'one-ruler' | 'two-rulers' | 'ticks';

/** What the sidecar records about the spacing's origin, so a model can be traced to its scale. */
export interface CalibrationRecord {
  method: CalibrationMethod;
  /** The ruler lines, in pixels of the original (uncropped, unturned) slices, with the lengths typed. */
  lines?: { x0: number; y0: number; x1: number; y1: number; lengthMm: number }[];
  /** Expanded uncertainty of the spacing in percent, when known (not for typed values). */
  uncertaintyPct?: number;
  /** For 'ticks': how many tick marks the fit used, and its RMS residual along the ruler. */
  ticks?: number;
  residualPx?: number;
}

/** The sidecar's record of a tick fit: the fitted line between the end ticks, its length, the uncertainty. */
export function tickCalibrationRecord(fit: RulerTickFit, lengthMm: number): CalibrationRecord {
  return {
    method: 'ticks',
    lines: [{ ...fit.line, lengthMm }],
    uncertaintyPct: fit.uncertaintyPct,
    ticks: fit.ticks.length,
    residualPx: fit.residualPx,
  };
}
