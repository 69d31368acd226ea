import { ImageStackError } from '../../errors';
import type { Dimensions3 } from '../../geometry';
import type { Labelmap } from '../types';

/**
 * Margins are measured centre to centre in millimetres with each axis's own spacing, so growing
 * by 1 mm moves the surface out by about 1 mm whatever the voxel shape: a background voxel joins
 * when the nearest mask voxel's centre is within the margin; shrinking removes mask voxels whose
 * nearest background voxel's centre is within the margin. (Exactly the thresholded Euclidean
 * distance transform, squaredDistanceMm2 ≤ margin²; the tests check that.)
 *
 * The edge of the volume is not a surface for these operations (outside the volume is unknown,
 * not background): a mask cut by the edge is not eaten away there, so a hollowed airway that
 * runs off the top and bottom of the stack is a tube, open at both ends.
 *
 * Done on runs: every row's runs are widened by the ellipsoid's half-width at each nearby row
 * and painted, so the cost is runs × nearby rows plus one fill of the output, not a distance
 * transform of the whole volume.
 */
function checkMargin(mm: number, what: string): number {
  if (!(typeof mm === 'number' && Number.isFinite(mm) && mm >= 0)) throw new ImageStackError('bad-argument', `${what} must be a number of millimetres ≥ 0, got ${mm}`);
  return mm;
}

/** Runs of voxels whose (value ≠ 0) equals `want`, per row r = j + ny·k. */
interface RowRuns {
  rowFirst: Int32Array;
  start: Int32Array;
  end: Int32Array;
}

function rowRuns(voxels: Uint8Array, dims: Dimensions3, want: 0 | 1): RowRuns {
  const [nx, ny, nz] = dims;
  const rows = ny * nz;
  const rowFirst = new Int32Array(rows + 1);
  let cap = Math.max(1024, rows * 2);
  let start = new Int32Array(cap);
  let end = new Int32Array(cap);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    rowFirst[r] = n;
    const base = r * nx;
    let i = 0;
    while (i < nx) {
      while (i < nx && (voxels[base + i] ? 1 : 0) !== want) i++;
      if (i >= nx) break;
      const s0 = i;
      while (i < nx && (voxels[base + i] ? 1 : 0) === want) i++;
      if (n === cap) {
        cap *= 2;
        const s2 = new Int32Array(cap);
        s2.set(start);
        const e2 = new Int32Array(cap);
        e2.set(end);
        start = s2;
        end = e2;
      }
      start[n] = s0;
      end[n] = i;
      n++;
    }
  }
  rowFirst[rows] = n;
  return { rowFirst, start, end };
}

/**
 * 1 where a voxel's centre is within `marginMm` of the centre of a voxel of `runs` (the runs'
 * own voxels included): the union, over rows within the margin, of their runs widened by the
 * ellipsoid's half-width in columns at that row offset.
 */
/** Row offsets (dj, dk) inside the ellipsoid of radius marginMm and their half-widths in columns. */
function ellipsoidRows(spacingMm: [number, number, number], marginMm: number): Array<[number, number, number]> {
  const [sx, sy, sz] = spacingMm;
  const limit = marginMm * marginMm * (1 + 1e-9);
  const offsets: Array<[number, number, number]> = [];
  const mj = Math.floor(marginMm / sy + 1e-9);
  const mk = Math.floor(marginMm / sz + 1e-9);
  for (let dk = -mk; dk <= mk; dk++) {
    for (let dj = -mj; dj <= mj; dj++) {
      const rest = limit - (dj * sy) ** 2 - (dk * sz) ** 2;
      if (rest < 0) continue;
      // the largest di with (di·sx)² ≤ rest, compared as the distance transform compares
      let hw = Math.floor(Math.sqrt(rest) / sx);
      while ((hw + 1) * sx * ((hw + 1) * sx) <= rest) hw++;
      while (hw > 0 && hw * sx * (hw * sx) > rest) hw--;
      offsets.push([dj, dk, hw]);
    }
  }
  return offsets;
}

/** Voxels within the margin of a voxel with (value ≠ 0) = `want`. */
function nearBy(mask: Labelmap, want: 0 | 1, marginMm: number): Uint8Array {
  return dilateRuns(rowRuns(mask.voxels, mask.dims, want), mask.dims, mask.spacingMm, marginMm);
}

function dilateRuns(runs: RowRuns, dims: Dimensions3, spacingMm: [number, number, number], marginMm: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const offsets = ellipsoidRows(spacingMm, marginMm);
  const out = new Uint8Array(nx * ny * nz);
  let from = new Int32Array(64);
  let to = new Int32Array(64);
  const cover = new Int32Array(nx + 1);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      // Gather widened runs from the neighbouring rows, then sort, merge and fill once.
      let n = 0;
      for (const [dj, dk, hw] of offsets) {
        const jj = j + dj;
        const kk = k + dk;
        if (jj < 0 || jj >= ny || kk < 0 || kk >= nz) continue;
        const r = jj + ny * kk;
        for (let a = runs.rowFirst[r]; a < runs.rowFirst[r + 1]; a++) {
          if (n === from.length) {
            const f2 = new Int32Array(n * 2);
            f2.set(from);
            const t2 = new Int32Array(n * 2);
            t2.set(to);
            from = f2;
            to = t2;
          }
          from[n] = Math.max(0, runs.start[a] - hw);
          to[n] = Math.min(nx, runs.end[a] + hw);
          n++;
        }
      }
      if (n === 0) continue;
      if (n <= 32) {
        // insertion sort by start: few entries per row at small margins
        for (let a = 1; a < n; a++) {
          const f = from[a];
          const t = to[a];
          let b = a - 1;
          while (b >= 0 && from[b] > f) {
            from[b + 1] = from[b];
            to[b + 1] = to[b];
            b--;
          }
          from[b + 1] = f;
          to[b + 1] = t;
        }
      } else {
        // Many neighbour rows (a large margin): count coverage with a difference array instead
        // of sorting, then emit the covered spans (already merged) in order.
        cover.fill(0);
        for (let a = 0; a < n; a++) {
          cover[from[a]]++;
          cover[to[a]]--;
        }
        let m = 0;
        let depth = 0;
        for (let i = 0; i <= nx; i++) {
          const was = depth;
          depth += cover[i];
          if (was === 0 && depth > 0) from[m] = i;
          else if (was > 0 && depth === 0) to[m++] = i;
        }
        n = m;
      }
      const base = nx * (j + ny * k);
      let cs = from[0];
      let ce = to[0];
      for (let a = 1; a < n; a++) {
        if (from[a] <= ce) {
          if (to[a] > ce) ce = to[a];
        } else {
          out.fill(1, base + cs, base + ce);
          cs = from[a];
          ce = to[a];
        }
      }
      out.fill(1, base + cs, base + ce);
    }
  }
  return out;
}

function binaryCopy(mask: Labelmap): Labelmap {
  const voxels = new Uint8Array(mask.voxels.length);
  for (let i = 0; i < voxels.length; i++) voxels[i] = mask.voxels[i] ? 1 : 0;
  return { dims: mask.dims, spacingMm: mask.spacingMm, voxels };
}

/** Grows the mask by `marginMm` (a dilation with an ellipsoid of that radius in millimetres). */
export function growMask(mask: Labelmap, marginMm: number): Labelmap {
  checkMargin(marginMm, 'grow margin');
  if (marginMm === 0) return binaryCopy(mask);
  const voxels = nearBy(mask, 1, marginMm);
  return { dims: mask.dims, spacingMm: mask.spacingMm, voxels };
}

/**
 * Shrinks the mask by `marginMm` (an erosion): removes mask voxels within the margin of a
 * background voxel of the volume (the volume edge does not erode, see above).
 */
export function shrinkMask(mask: Labelmap, marginMm: number): Labelmap {
  checkMargin(marginMm, 'shrink margin');
  if (marginMm === 0) return binaryCopy(mask);
  const nearBackground = nearBy(mask, 0, marginMm);
  const out = nearBackground; // reuse: 1 − near, then keep only mask voxels
  for (let i = 0; i < out.length; i++) out[i] = mask.voxels[i] && !nearBackground[i] ? 1 : 0;
  return { dims: mask.dims, spacingMm: mask.spacingMm, voxels: out };
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
