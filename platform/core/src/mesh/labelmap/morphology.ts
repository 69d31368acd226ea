import { ImageStackError } from '../../errors';
import type { Dimensions3 } from '../../geometry';
import type { Labelmap } from '../types';
import { squaredDistanceMm2 } from './distance';

/**
 * Margins are measured centre to centre in millimetres with each axis's own spacing, so growing
 * by 1 mm moves the surface out by about 1 mm whatever the voxel shape: a background voxel joins
 * when the nearest mask voxel's centre is within the margin; shrinking removes mask voxels whose
 * nearest background voxel's centre is within the margin.
 *
 * The edge of the volume is not a surface for these operations (outside the volume is unknown,
 * not background): a mask cut by the edge is not eaten away there, so a hollowed airway that
 * runs off the top and bottom of the stack is a tube, open at both ends.
 *
 * Work is confined to the mask's bounding box plus the margin, so a small structure in a large
 * volume costs little.
 */
function checkMargin(mm: number, what: string): number {
  if (!(typeof mm === 'number' && Number.isFinite(mm) && mm >= 0)) throw new ImageStackError('bad-argument', `${what} must be a number of millimetres ≥ 0, got ${mm}`);
  return mm;
}

interface Box {
  lo: [number, number, number];
  hi: [number, number, number]; // exclusive
}

function maskBox(mask: Labelmap, marginMm: number): Box | undefined {
  const [nx, ny, nz] = mask.dims;
  const lo: [number, number, number] = [nx, ny, nz];
  const hi: [number, number, number] = [-1, -1, -1];
  const v = mask.voxels;
  let o = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        if (!v[o]) continue;
        if (i < lo[0]) lo[0] = i;
        if (i > hi[0]) hi[0] = i;
        if (j < lo[1]) lo[1] = j;
        if (j > hi[1]) hi[1] = j;
        if (k < lo[2]) lo[2] = k;
        if (k > hi[2]) hi[2] = k;
      }
  if (hi[0] < 0) return undefined;
  const box: Box = { lo: [0, 0, 0], hi: [0, 0, 0] };
  for (let a = 0; a < 3; a++) {
    const pad = Math.ceil(marginMm / mask.spacingMm[a]) + 1;
    box.lo[a] = Math.max(0, lo[a] - pad);
    box.hi[a] = Math.min(mask.dims[a], hi[a] + 1 + pad);
  }
  return box;
}

function crop(mask: Labelmap, b: Box): { voxels: Uint8Array; dims: Dimensions3 } {
  const dims: Dimensions3 = [b.hi[0] - b.lo[0], b.hi[1] - b.lo[1], b.hi[2] - b.lo[2]];
  const [nx, ny] = mask.dims;
  const out = new Uint8Array(dims[0] * dims[1] * dims[2]);
  let o = 0;
  for (let k = b.lo[2]; k < b.hi[2]; k++)
    for (let j = b.lo[1]; j < b.hi[1]; j++) {
      const s = b.lo[0] + nx * (j + ny * k);
      for (let i = 0; i < dims[0]; i++) out[o++] = mask.voxels[s + i] ? 1 : 0;
    }
  return { voxels: out, dims };
}

function paste(mask: Labelmap, b: Box, sub: Uint8Array): Labelmap {
  const [nx, ny] = mask.dims;
  const out = new Uint8Array(mask.voxels.length);
  const w = b.hi[0] - b.lo[0];
  let o = 0;
  for (let k = b.lo[2]; k < b.hi[2]; k++)
    for (let j = b.lo[1]; j < b.hi[1]; j++) {
      out.set(sub.subarray(o, o + w), b.lo[0] + nx * (j + ny * k));
      o += w;
    }
  return { dims: mask.dims, spacingMm: mask.spacingMm, voxels: out };
}

function binaryCopy(mask: Labelmap): Labelmap {
  return { dims: mask.dims, spacingMm: mask.spacingMm, voxels: mask.voxels.map(v => (v ? 1 : 0)) };
}

/** Grows the mask by `marginMm` (a dilation with an ellipsoid of that radius in millimetres). */
export function growMask(mask: Labelmap, marginMm: number): Labelmap {
  checkMargin(marginMm, 'grow margin');
  const box = maskBox(mask, marginMm);
  if (!box || marginMm === 0) return binaryCopy(mask);
  const sub = crop(mask, box);
  const d = squaredDistanceMm2(sub.voxels, sub.dims, mask.spacingMm, 1, { maxMm: marginMm });
  const limit = marginMm * marginMm * (1 + 1e-9);
  for (let i = 0; i < d.length; i++) sub.voxels[i] = d[i] <= limit ? 1 : 0;
  return paste(mask, box, sub.voxels);
}

/** Shrinks the mask by `marginMm` (an erosion); the volume edge does not erode (see above). */
export function shrinkMask(mask: Labelmap, marginMm: number): Labelmap {
  checkMargin(marginMm, 'shrink margin');
  // The crop reaches one voxel past the mask: that layer is background, except where the crop
  // meets the volume edge, which is what keeps the volume edge from eroding.
  const box = maskBox(mask, 0);
  if (!box || marginMm === 0) return binaryCopy(mask);
  const sub = crop(mask, box);
  const d = squaredDistanceMm2(sub.voxels, sub.dims, mask.spacingMm, 0, { maxMm: marginMm });
  const limit = marginMm * marginMm * (1 + 1e-9);
  for (let i = 0; i < d.length; i++) sub.voxels[i] = sub.voxels[i] && d[i] > limit ? 1 : 0;
  return paste(mask, box, sub.voxels);
}

/** Opening: shrink then grow by `radiusMm`; removes spurs and bridges thinner than about 2·radius. */
export function openMask(mask: Labelmap, radiusMm: number): Labelmap {
  checkMargin(radiusMm, 'opening radius');
  return growMask(shrinkMask(mask, radiusMm), radiusMm);
}

/** Closing: grow then shrink by `radiusMm`; fills gaps and notches narrower than about 2·radius. */
export function closeMask(mask: Labelmap, radiusMm: number): Labelmap {
  checkMargin(radiusMm, 'closing radius');
  return shrinkMask(growMask(mask, radiusMm), radiusMm);
}

export type HollowSide = 'inside' | 'outside';

/**
 * A shell of `thicknessMm` along the mask's surface: 'inside' keeps the outermost layer of the
 * mask (the outer size is kept), 'outside' adds a wall around it and removes the mask itself
 * (the hole keeps the mask's size: how an airway is printed as a tube). Refuses a wall thinner than the
 * coarsest voxel spacing, which would have holes.
 */
export function hollowMask(mask: Labelmap, thicknessMm: number, side: HollowSide = 'outside'): Labelmap {
  checkMargin(thicknessMm, 'shell thickness');
  const coarsest = Math.max(...mask.spacingMm);
  if (thicknessMm < coarsest) {
    throw new ImageStackError('bad-argument', `shell thickness ${thicknessMm} mm is thinner than the ${coarsest} mm voxel spacing: the wall would have holes`);
  }
  if (side !== 'inside' && side !== 'outside') throw new ImageStackError('bad-argument', `hollow side must be inside or outside, got ${String(side)}`);
  const a = side === 'inside' ? binaryCopy(mask) : growMask(mask, thicknessMm);
  const b = side === 'inside' ? shrinkMask(mask, thicknessMm) : binaryCopy(mask);
  for (let i = 0; i < a.voxels.length; i++) a.voxels[i] = a.voxels[i] && !b.voxels[i] ? 1 : 0;
  return a;
}
