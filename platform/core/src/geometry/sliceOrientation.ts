import { ImageStackError } from '../errors';
import type { CropRect, PixelPoint } from './types';

/**
 * How the slices are turned at import, as the user matches the capture to the viewer.
 *
 * - `flip: 'rows'`: the order of the rows is reversed (upside down: the first row becomes the last).
 * - `flip: 'columns'`: the order of the columns is reversed (left ↔ right).
 * - `flip: 'both'`: both (the same as a 180° rotation).
 * - `rotate`: then turned clockwise, as seen on screen with row 0 at the top, by 90° steps.
 *
 * Flips are applied first, then the rotation.
 *
 * The pixels are reordered: each slice is flipped/rotated, after crop and downsample, when it
 * is assembled (see orientSlice). The oriented slice is the image the viewer shows, and the
 * chosen ImageOrientationPatient (axial, coronal, sagittal or custom) describes it unchanged.
 * A 90° or 270° turn swaps the slice's columns and rows (and the x and y pixel spacing), so
 * DICOM Rows/Columns and Cornerstone's image size always match the pixel data.
 *
 * Why not leave the pixels and change only the direction cosines? A flip reverses the handedness
 * of the in-plane axes: with the cosines alone, the slice normal (row × column) would flip too
 * and the slices would stack the other way (a different patient, not the same one seen from the
 * other side), and the stack viewport would still show the capture as it was.
 */
export interface SliceOrientation {
  flip?: SliceFlip;
  rotate?: SliceRotation;
}

export type SliceFlip = 'none' | 'rows' | 'columns' | 'both';
export type SliceRotation = 0 | 90 | 180 | 270;

export const SLICE_FLIPS: readonly SliceFlip[] = ['none', 'rows', 'columns', 'both'];
export const SLICE_ROTATIONS: readonly SliceRotation[] = [0, 90, 180, 270];

/**
 * The orientation as a 2 × 2 integer matrix [m00, m01, m10, m11] acting on pixel coordinates
 * (x to the right, y down) measured from the slice centre: oriented = M · original.
 */
export type OrientationMatrix = [number, number, number, number];

function checkFlip(flip: unknown): SliceFlip {
  if (flip === undefined) return 'none';
  if (typeof flip === 'string' && (SLICE_FLIPS as readonly string[]).includes(flip)) return flip as SliceFlip;
  throw new ImageStackError('bad-argument', `flip must be rows, columns or both, got "${String(flip)}"`);
}

function checkRotation(rotate: unknown): SliceRotation {
  if (rotate === undefined) return 0;
  if (typeof rotate === 'number' && (SLICE_ROTATIONS as readonly number[]).includes(rotate)) return rotate as SliceRotation;
  throw new ImageStackError('bad-argument', `rotate must be 90, 180 or 270 (degrees clockwise), got "${String(rotate)}"`);
}

/** Checks a SliceOrientation; returns it with both fields filled in. */
export function checkSliceOrientation(o: SliceOrientation | undefined): Required<SliceOrientation> {
  return { flip: checkFlip(o?.flip), rotate: checkRotation(o?.rotate) };
}

/** Parses `rows`, `columns` or `both` (the CLI's --flip). */
export function parseSliceFlip(text: string): SliceFlip {
  const t = text.trim().toLowerCase();
  if (t === 'rows' || t === 'columns' || t === 'both') return t;
  throw new ImageStackError('bad-argument', `flip must be rows (upside down), columns (left ↔ right) or both, got "${text}"`);
}

/** Parses `90`, `180` or `270` (the CLI's --rotate; degrees clockwise). */
export function parseSliceRotation(text: string): SliceRotation {
  const t = text.trim();
  if (t === '90' || t === '180' || t === '270') return Number(t) as SliceRotation;
  throw new ImageStackError('bad-argument', `rotate must be 90, 180 or 270 (degrees clockwise), got "${text}"`);
}

/** See OrientationMatrix. */
export function sliceOrientationMatrix(o: SliceOrientation | undefined): OrientationMatrix {
  const { flip, rotate } = checkSliceOrientation(o);
  // Flip first: rows → y ↦ −y, columns → x ↦ −x.
  const fx = flip === 'columns' || flip === 'both' ? -1 : 1;
  const fy = flip === 'rows' || flip === 'both' ? -1 : 1;
  let m: OrientationMatrix = [fx, 0, 0, fy];
  // Then clockwise quarter turns on screen (y down): (x, y) ↦ (−y, x).
  for (let q = 0; q < rotate / 90; q++) m = [0 - m[2], 0 - m[3], m[0], m[1]]; // 0 − v: no −0
  return m;
}

/** True when the orientation changes nothing (no flip, no rotation, or flip both + rotate 180). */
export function isIdentityOrientation(o: SliceOrientation | undefined): boolean {
  const m = sliceOrientationMatrix(o);
  return m[0] === 1 && m[1] === 0 && m[2] === 0 && m[3] === 1;
}

/** True when the orientation swaps columns and rows (90° or 270° net). */
export function swapsAxes(o: SliceOrientation | undefined): boolean {
  return sliceOrientationMatrix(o)[0] === 0;
}

/** Columns and rows of a `width × height` slice once oriented. */
export function orientedSize(width: number, height: number, o: SliceOrientation | undefined): [number, number] {
  return swapsAxes(o) ? [height, width] : [width, height];
}

/**
 * Where a point of the original slice lands on the oriented slice: continuous pixel
 * coordinates, 0 at the centre of the first pixel, on slices of `width × height` originals.
 * Maps pixel centres to pixel centres; exact for whole pixels.
 */
export function orientPixel(o: SliceOrientation | undefined, width: number, height: number, p: PixelPoint): PixelPoint {
  const m = sliceOrientationMatrix(o);
  const [w2, h2] = orientedSize(width, height, o);
  const x = p[0] - (width - 1) / 2;
  const y = p[1] - (height - 1) / 2;
  return [m[0] * x + m[1] * y + (w2 - 1) / 2, m[2] * x + m[3] * y + (h2 - 1) / 2];
}

/** The inverse of orientPixel: where a point of the oriented slice was on the original. */
export function unorientPixel(o: SliceOrientation | undefined, width: number, height: number, p: PixelPoint): PixelPoint {
  const m = sliceOrientationMatrix(o);
  const [w2, h2] = orientedSize(width, height, o);
  const x = p[0] - (w2 - 1) / 2;
  const y = p[1] - (h2 - 1) / 2;
  // M is orthogonal: its inverse is its transpose.
  return [m[0] * x + m[2] * y + (width - 1) / 2, m[1] * x + m[3] * y + (height - 1) / 2];
}

/** A rectangle of whole pixels of the original slice, as the same pixels of the oriented slice. */
export function orientRect(o: SliceOrientation | undefined, width: number, height: number, r: CropRect): CropRect {
  const a = orientPixel(o, width, height, [r.x, r.y]);
  const b = orientPixel(o, width, height, [r.x + r.width - 1, r.y + r.height - 1]);
  const x = Math.min(a[0], b[0]);
  const y = Math.min(a[1], b[1]);
  return { x, y, width: Math.abs(a[0] - b[0]) + 1, height: Math.abs(a[1] - b[1]) + 1 };
}

/**
 * True when the orientation mirrors the image (one flip, with or without a rotation): the
 * slices then show the patient mirrored compared with the capture.
 */
export function mirrorsCapture(o: SliceOrientation | undefined): boolean {
  const m = sliceOrientationMatrix(o);
  return m[0] * m[3] - m[1] * m[2] < 0;
}

/**
 * One sentence for the user about what the orientation does, saying so in words when it
 * mirrors the patient.
 */
export function describeSliceOrientation(o: SliceOrientation | undefined): string {
  const { flip, rotate } = checkSliceOrientation(o);
  if (isIdentityOrientation(o)) return 'The slices are used as captured.';
  const parts: string[] = [];
  if (flip === 'rows') parts.push('flipped upside down');
  else if (flip === 'columns') parts.push('flipped left to right');
  else if (flip === 'both') parts.push('flipped both ways');
  if (rotate) parts.push(`turned ${rotate}° clockwise`);
  const what = `The slices are ${parts.join(', then ')}`;
  if (mirrorsCapture(o)) {
    return (
      `${what}: this MIRRORS the patient compared with the capture (the model becomes its mirror image, ` +
      `left and right swapped). Use it only if the capture itself was mirrored; for a capture that is merely ` +
      `upside down, rotate 180° instead.`
    );
  }
  return `${what}: a rotation, the patient is not mirrored.`;
}
