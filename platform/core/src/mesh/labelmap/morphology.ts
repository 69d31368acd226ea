import { ImageStackError } from '../../errors';
import type { Dimensions3 } from '../../geometry';
import type { Labelmap, SliceArray, SliceSource, SpacingMm } from '../types';

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
 * Done on runs: each row's runs are kept (read from the slices once), and an output slice is
 * painted on demand from the runs of the rows within the margin, widened by the ellipsoid's
 * half-width at each row offset. The cost is runs × nearby rows plus one fill of the output,
 * and the `…Slices` versions never hold a volume: they are SliceSources for buildSurface.
 */
function checkMargin(mm: number, what: string): number {
  if (!(typeof mm === 'number' && Number.isFinite(mm) && mm >= 0)) throw new ImageStackError('bad-argument', `${what} must be a number of millimetres ≥ 0, got ${mm}`);
  return mm;
}

/** Runs of voxels inside `range` (default non-zero), per row r = j + ny·k. */
interface RowRuns {
  rowFirst: Int32Array;
  start: Int32Array;
  end: Int32Array;
}

function rowRunsOfSlices(source: SliceSource, range?: [number, number]): RowRuns {
  const [nx, ny, nz] = source.dims;
  const rows = ny * nz;
  const rowFirst = new Int32Array(rows + 1);
  let cap = Math.max(1024, rows * 2);
  let start = new Int32Array(cap);
  let end = new Int32Array(cap);
  let n = 0;
  const lo = range ? range[0] : 0;
  const hi = range ? range[1] : 0;
  const bits = new Uint8Array(nx);
  for (let k = 0; k < nz; k++) {
    const slice: SliceArray = source.getSlice(k);
    if (slice.length < nx * ny) throw new ImageStackError('mismatch', `labelmap slice ${k} has ${slice.length} voxels, expected ${nx}×${ny}`);
    for (let j = 0; j < ny; j++) {
      rowFirst[j + ny * k] = n;
      const base = j * nx;
      if (range) for (let x = 0; x < nx; x++) bits[x] = slice[base + x] >= lo && slice[base + x] <= hi ? 1 : 0;
      else for (let x = 0; x < nx; x++) bits[x] = slice[base + x] !== 0 ? 1 : 0;
      let i = 0;
      while (i < nx) {
        while (i < nx && bits[i] === 0) i++;
        if (i >= nx) break;
        const s0 = i;
        while (i < nx && bits[i] === 1) i++;
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
  }
  rowFirst[rows] = n;
  return { rowFirst, start, end };
}

/** The complement runs (background inside the volume) of every row. */
function complementRuns(runs: RowRuns, dims: Dimensions3): RowRuns {
  const nx = dims[0];
  const rows = dims[1] * dims[2];
  const rowFirst = new Int32Array(rows + 1);
  const start = new Int32Array(runs.rowFirst[rows] + rows);
  const end = new Int32Array(start.length);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    rowFirst[r] = n;
    let x = 0;
    for (let a = runs.rowFirst[r]; a < runs.rowFirst[r + 1]; a++) {
      if (runs.start[a] > x) {
        start[n] = x;
        end[n++] = runs.start[a];
      }
      x = runs.end[a];
    }
    if (x < nx) {
      start[n] = x;
      end[n++] = nx;
    }
  }
  rowFirst[rows] = n;
  return { rowFirst, start, end };
}

/** Row offsets (dj, dk) inside the ellipsoid of radius marginMm and their half-widths in columns. */
function ellipsoidRows(spacingMm: SpacingMm, marginMm: number): Array<[number, number, number]> {
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

/** Paints one slice of a dilation of `runs` by the ellipsoid `offsets` into `out` (nx·ny). */
class DilationPainter {
  private from = new Int32Array(64);
  private to = new Int32Array(64);
  private readonly cover: Int32Array;
  constructor(
    private readonly runs: RowRuns,
    private readonly dims: Dimensions3,
    private readonly offsets: Array<[number, number, number]>,
  ) {
    this.cover = new Int32Array(dims[0] + 1);
  }

  /** With `only`, rows where `only` has no run are left 0 (their result would be masked away). */
  paint(k: number, out: Uint8Array, only?: RowRuns): void {
    const [nx, ny, nz] = this.dims;
    const runs = this.runs;
    out.fill(0);
    for (let j = 0; j < ny; j++) {
      if (only && only.rowFirst[j + ny * k] === only.rowFirst[j + ny * k + 1]) continue;
      // Gather widened runs from the neighbouring rows, then merge and fill once.
      let n = 0;
      for (const [dj, dk, hw] of this.offsets) {
        const jj = j + dj;
        const kk = k + dk;
        if (jj < 0 || jj >= ny || kk < 0 || kk >= nz) continue;
        const r = jj + ny * kk;
        for (let a = runs.rowFirst[r]; a < runs.rowFirst[r + 1]; a++) {
          if (n === this.from.length) {
            const f2 = new Int32Array(n * 2);
            f2.set(this.from);
            const t2 = new Int32Array(n * 2);
            t2.set(this.to);
            this.from = f2;
            this.to = t2;
          }
          this.from[n] = Math.max(0, runs.start[a] - hw);
          this.to[n] = Math.min(nx, runs.end[a] + hw);
          n++;
        }
      }
      if (n === 0) continue;
      const from = this.from;
      const to = this.to;
      if (n <= 32) {
        // insertion sort by start: few spans per row at small margins
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
        // of sorting, then read the covered spans (already merged) off in order.
        const cover = this.cover;
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
      const base = nx * j;
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
}

/** Paints the runs of slice k themselves into `out` (which is cleared first unless `keep`). */
function paintRuns(runs: RowRuns, dims: Dimensions3, k: number, out: Uint8Array): void {
  const [nx, ny] = dims;
  out.fill(0);
  for (let j = 0; j < ny; j++) {
    const r = j + ny * k;
    for (let a = runs.rowFirst[r]; a < runs.rowFirst[r + 1]; a++) out.fill(1, nx * j + runs.start[a], nx * j + runs.end[a]);
  }
}

export interface MorphologyOptions {
  /** Inclusive range of values forming the mask (default: non-zero). */
  range?: [number, number];
}

/** Grow by `marginMm` (a dilation with an ellipsoid of that radius in mm) as 0/1 slices on demand. */
export function growSlices(source: SliceSource, spacingMm: SpacingMm, marginMm: number, options: MorphologyOptions = {}): SliceSource {
  checkMargin(marginMm, 'grow margin');
  const runs = rowRunsOfSlices(source, options.range);
  const painter = new DilationPainter(runs, source.dims, ellipsoidRows(spacingMm, marginMm));
  const slice = new Uint8Array(source.dims[0] * source.dims[1]);
  return { dims: source.dims, getSlice: k => (painter.paint(k, slice), slice) };
}

/** Shrink by `marginMm` (an erosion; the volume edge does not erode) as 0/1 slices on demand. */
export function shrinkSlices(source: SliceSource, spacingMm: SpacingMm, marginMm: number, options: MorphologyOptions = {}): SliceSource {
  checkMargin(marginMm, 'shrink margin');
  const runs = rowRunsOfSlices(source, options.range);
  const painter = new DilationPainter(complementRuns(runs, source.dims), source.dims, ellipsoidRows(spacingMm, marginMm));
  const n = source.dims[0] * source.dims[1];
  const slice = new Uint8Array(n);
  const near = new Uint8Array(n);
  return {
    dims: source.dims,
    getSlice(k) {
      paintRuns(runs, source.dims, k, slice);
      painter.paint(k, near, runs);
      for (let i = 0; i < n; i++) slice[i] &= near[i] ^ 1;
      return slice;
    },
  };
}

export type HollowSide = 'inside' | 'outside';

function checkShell(spacingMm: SpacingMm, thicknessMm: number, side: HollowSide): void {
  checkMargin(thicknessMm, 'shell thickness');
  const coarsest = Math.max(...spacingMm);
  if (thicknessMm < coarsest) {
    throw new ImageStackError('bad-argument', `shell thickness ${thicknessMm} mm is thinner than the ${coarsest} mm voxel spacing: the wall would have holes`);
  }
  if (side !== 'inside' && side !== 'outside') throw new ImageStackError('bad-argument', `hollow side must be inside or outside, got ${String(side)}`);
}

/**
 * A shell of `thicknessMm` along the mask's surface, as 0/1 slices on demand: 'inside' keeps the
 * outermost layer of the mask (the outer size is kept), 'outside' adds a wall around it and
 * removes the mask itself (the hole keeps the mask's size: how an airway is printed as a tube).
 * Refuses a wall thinner than the coarsest voxel spacing, which would have holes.
 */
export function hollowSlices(source: SliceSource, spacingMm: SpacingMm, thicknessMm: number, side: HollowSide = 'outside', options: MorphologyOptions = {}): SliceSource {
  checkShell(spacingMm, thicknessMm, side);
  const runs = rowRunsOfSlices(source, options.range);
  const offsets = ellipsoidRows(spacingMm, thicknessMm);
  const painter = new DilationPainter(side === 'inside' ? complementRuns(runs, source.dims) : runs, source.dims, offsets);
  const n = source.dims[0] * source.dims[1];
  const slice = new Uint8Array(n);
  const mask = new Uint8Array(n);
  return {
    dims: source.dims,
    getSlice(k) {
      paintRuns(runs, source.dims, k, mask);
      painter.paint(k, slice, side === 'inside' ? runs : undefined);
      // inside: mask ∧ near background; outside: grown ∧ ¬mask
      if (side === 'inside') for (let i = 0; i < n; i++) slice[i] &= mask[i];
      else for (let i = 0; i < n; i++) slice[i] &= mask[i] ^ 1;
      return slice;
    },
  };
}

/** Reads every slice of a source into one Labelmap volume. */
function collect(source: SliceSource, spacingMm: SpacingMm): Labelmap {
  const [nx, ny, nz] = source.dims;
  const voxels = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) voxels.set(source.getSlice(k).subarray(0, nx * ny) as Uint8Array, k * nx * ny);
  return { dims: source.dims, spacingMm, voxels };
}

function sourceOf(mask: Labelmap): SliceSource {
  const n = mask.dims[0] * mask.dims[1];
  return { dims: mask.dims, getSlice: k => mask.voxels.subarray(k * n, (k + 1) * n) };
}

/** Grows the mask by `marginMm` (a dilation with an ellipsoid of that radius in millimetres). */
export function growMask(mask: Labelmap, marginMm: number): Labelmap {
  return collect(growSlices(sourceOf(mask), mask.spacingMm, marginMm), mask.spacingMm);
}

/** Shrinks the mask by `marginMm` (an erosion; the volume edge does not erode, see above). */
export function shrinkMask(mask: Labelmap, marginMm: number): Labelmap {
  return collect(shrinkSlices(sourceOf(mask), mask.spacingMm, marginMm), mask.spacingMm);
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

/** hollowSlices over a whole mask (see there). */
export function hollowMask(mask: Labelmap, thicknessMm: number, side: HollowSide = 'outside'): Labelmap {
  return collect(hollowSlices(sourceOf(mask), mask.spacingMm, thicknessMm, side), mask.spacingMm);
}
