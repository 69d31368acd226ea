import { ImageStackError } from '../errors';

/** Larger than any voxel of a CT or micro-CT stack: a typo (10 for 0.1, cm for mm) is likelier. */
export const MAX_SPACING_MM = 100;

/**
 * Checks one spacing given by the user. There is no default spacing anywhere in ImageStack:
 * an unknown spacing is an error that says which value is missing.
 * @param what the value's name as the user sees it, e.g. "slice spacing"
 */
export function checkSpacingMm(value: number | undefined | null, what: string): number {
  if (value === undefined || value === null) {
    throw new ImageStackError('bad-geometry', `${what} is not given: enter it in millimetres (there is no default)`);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ImageStackError('bad-geometry', `${what} must be a number of millimetres, got ${String(value)}`);
  }
  if (value <= 0) throw new ImageStackError('bad-geometry', `${what} must be greater than 0 mm, got ${value}`);
  if (value > MAX_SPACING_MM) {
    throw new ImageStackError('bad-geometry', `${what} of ${value} mm is over ${MAX_SPACING_MM} mm: check the unit (millimetres)`);
  }
  return value;
}
