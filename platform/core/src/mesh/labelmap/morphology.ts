import { ImageStackError } from '../../errors';
import type { CancelSignal } from '../extractSurface';
import type { SpacingMm } from '../types';
import { complementRuns, intersectRuns, RunsBuilder, subtractRuns, unionRuns, type RowRuns } from './runs';

/**
 * Margins are in millimetres along every axis, with each axis's own spacing: a background voxel
 * joins a grown segment when its centre lies within the margin of the segment's surface (the
 * faces of its voxels, half a voxel beyond their centres); shrinking removes the segment's voxels
 * whose centre lies within the margin of the background's voxels. So a face moves by the whole
 * number of voxels nearest to the margin along each axis (a 2 mm margin on 1.3 mm slices moves
 * a face 2.6 mm, on 0.8 mm rows 2.4 mm), unbiased on average, and the hollow walls of W mm have
 * the analytic volume. (Measured centre to centre instead, every face would move by the whole
 * voxels below the margin: ~half a voxel short, a thin wall's volume 5–10 % short.)
 *
 * The edge of the volume is not a surface (outside the volume is unknown, not background): a
 * mask cut by the edge is not eaten away there, so a hollowed airway that runs off the end of
 * the stack is a tube open at that end.
 *
 * Done on runs: an output row is the union of the runs of the rows within the margin, each
 * widened by the margin's half-width at that row offset. The cost is runs × rows within the
 * margin; no voxel volume is made.
 */

/**
 * Row offsets (dj, dk) of the voxel offsets inside the ellipsoid of semi-axes `axesMm` (x, y, z
 * in mm, centre to centre) and the half-width in columns at each.
 */
function ellipsoidRows(spacingMm: SpacingMm, axesMm: SpacingMm): Array<[number, number, number]> {
  const [sx, sy, sz] = spacingMm;
  const [ax, ay, az] = axesMm;
  const inside = (i: number, j: number, k: number) => (i * sx / ax) ** 2 + (j * sy / ay) ** 2 + (k * sz / az) ** 2 <= 1 + 1e-9;
  const offsets: Array<[number, number, number]> = [];
  const mj = Math.floor(ay / sy + 1e-9);
  const mk = Math.floor(az / sz + 1e-9);
  for (let dk = -mk; dk <= mk; dk++) {
    for (let dj = -mj; dj <= mj; dj++) {
      if (!inside(0, dj, dk)) continue;
      let hw = 0;
      while (inside(hw + 1, dj, dk)) hw++;
      offsets.push([dj, dk, hw]);
    }
  }
  return offsets;
}

/** Directions over a half circle (the offset sets are symmetric). */
const ANGLES = Array.from({ length: 90 }, (_, n) => [Math.cos(((n + 0.5) * Math.PI) / 90), Math.sin(((n + 0.5) * Math.PI) / 90)]);

/**
 * How far, on average over the directions of one coordinate plane, the in-plane voxel offsets
 * inside the ellipse of semi-axes (a, b) mm reach (spacings p, q mm): the mean half-width of
 * their hull, which is how far a face in that plane moves.
 */
function planeReachMm(p: number, q: number, a: number, b: number): number {
  const points: number[] = [];
  for (let j = 0; j * q <= b + 1e-9; j++) {
    const rest = 1 - (j * q / b) ** 2;
    if (rest < -1e-9) break;
    const hw = Math.floor((a * Math.sqrt(Math.max(0, rest))) / p + 1e-9);
    points.push(hw * p, j * q, -hw * p, j * q);
  }
  let sum = 0;
  for (const [u, v] of ANGLES) {
    let best = 0;
    for (let n = 0; n < points.length; n += 2) best = Math.max(best, Math.abs(points[n] * u + points[n + 1] * v), Math.abs(points[n] * u - points[n + 1] * v));
    sum += best;
  }
  return sum / ANGLES.length;
}

/** Unit vectors spread evenly over a half sphere (a Fibonacci lattice). */
const DIRECTIONS = Array.from({ length: 200 }, (_, n) => {
  const z = (n + 0.5) / 200;
  const t = n * Math.PI * (3 - Math.sqrt(5));
  const r = Math.sqrt(1 - z * z);
  return [r * Math.cos(t), r * Math.sin(t), z];
});

/** planeReachMm over all directions in space, for the offsets inside the ellipsoid `axesMm`. */
function spaceReachMm(spacingMm: SpacingMm, axesMm: SpacingMm): number {
  const points: number[] = [];
  for (const [dj, dk, hw] of ellipsoidRows(spacingMm, axesMm)) points.push(hw * spacingMm[0], dj * spacingMm[1], dk * spacingMm[2]);
  let sum = 0;
  for (const [u, v, w] of DIRECTIONS) {
    let best = 0;
    for (let n = 0; n < points.length; n += 3) best = Math.max(best, Math.abs(points[n] * u) + points[n + 1] * v + points[n + 2] * w);
    sum += best;
  }
  return sum / DIRECTIONS.length;
}

/**
 * The ellipsoid (semi-axes in mm) of the voxel offsets that make a margin of `marginMm`. On a
 * lattice a face moves by whole voxels, and the offsets within exactly `marginMm` fall short in
 * every direction that is not a whole number of voxels (half a voxel on average: a 2 mm wall on
 * 0.8–1.3 mm voxels would be ~10 % thin). So the semi-axes are chosen, from a fine set around
 * the margin, for the offsets to reach `marginMm` on average over the directions of each
 * coordinate plane (the walls of a tube along any axis, and of a ball, come out at the analytic
 * volume; tested).
 */
function marginAxesMm(spacingMm: SpacingMm, marginMm: number): SpacingMm {
  const key = `${spacingMm.join(',')}/${marginMm}`;
  const known = axesCache.get(key);
  if (known) return known;
  const candidates = Array.from({ length: 15 }, (_, n) => marginMm * (0.85 + n * 0.05));
  const [sx, sy, sz] = spacingMm;
  // squared miss of one coordinate plane for every pair of candidate semi-axes
  const miss = (p: number, q: number) => candidates.map(a => candidates.map(b => (planeReachMm(p, q, a, b) - marginMm) ** 2));
  const xy = miss(sx, sy);
  const xz = miss(sx, sz);
  const yz = miss(sy, sz);
  // The combinations that fit the planes best, then the one of those whose reach over all
  // directions (a ball's walls) is closest too.
  const ranked: Array<{ cost: number; axes: SpacingMm }> = [];
  for (let a = 0; a < candidates.length; a++)
    for (let b = 0; b < candidates.length; b++)
      for (let c = 0; c < candidates.length; c++) ranked.push({ cost: xy[a][b] + xz[a][c] + yz[b][c], axes: [candidates[a], candidates[b], candidates[c]] });
  ranked.sort((p, q) => p.cost - q.cost);
  let best = Infinity;
  let axes = ranked[0].axes;
  for (const { cost, axes: tried } of ranked.slice(0, 40)) {
    const total = cost + (spaceReachMm(spacingMm, tried) - marginMm) ** 2;
    if (total < best - 1e-12) {
      best = total;
      axes = tried;
    }
  }
  axesCache.set(key, axes);
  return axes;
}
const axesCache = new Map<string, SpacingMm>();

/** Cancelling and progress (0..1 of the operation) for the longer operations. */
export interface Work {
  signal?: CancelSignal;
  onProgress?: (fraction: number) => void;
}

/**
 * The dilation of `runs` by the ball of `marginMm`. With `only`, rows where `only` has no run
 * are left empty (their result would be intersected away).
 */
function dilateRuns(runs: RowRuns, spacingMm: SpacingMm, marginMm: number, only: RowRuns | undefined, work: Work, part: [number, number] = [0, 1]): RowRuns {
  const [nx, ny, nz] = runs.dims;
  const offsets = ellipsoidRows(spacingMm, marginAxesMm(spacingMm, marginMm));
  const out = new RunsBuilder(runs.dims, runs.start.length + 16);
  let from = new Int32Array(64);
  let to = new Int32Array(64);
  const cover = new Int32Array(nx + 1);
  for (let k = 0; k < nz; k++) {
    if (work.signal?.aborted) throw new ImageStackError('cancelled', 'cancelled');
    work.onProgress?.(part[0] + ((part[1] - part[0]) * k) / nz);
    for (let j = 0; j < ny; j++) {
      const row = j + ny * k;
      if (only && only.rowFirst[row] === only.rowFirst[row + 1]) {
        out.endRow();
        continue;
      }
      // Gather the widened runs of the neighbouring rows, then merge them.
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
        for (let a = 0; a < n; a++) out.push(from[a], to[a]);
      } else {
        // Many neighbour rows (a large margin): count coverage with a difference array instead
        // of sorting, then read the covered spans off in order.
        cover.fill(0);
        for (let a = 0; a < n; a++) {
          cover[from[a]]++;
          cover[to[a]]--;
        }
        let depth = 0;
        let s = 0;
        for (let i = 0; i <= nx; i++) {
          const was = depth;
          depth += cover[i];
          if (was === 0 && depth > 0) s = i;
          else if (was > 0 && depth === 0) out.push(s, i);
        }
      }
      out.endRow();
    }
  }
  return out.finish();
}

function checkMm(mm: number, what: string): number {
  if (!(typeof mm === 'number' && Number.isFinite(mm) && mm >= 0)) throw new ImageStackError('bad-argument', `${what} must be a number of millimetres ≥ 0, got ${mm}`);
  return mm;
}

/** Grows the mask by `marginMm`. */
export function growRuns(runs: RowRuns, spacingMm: SpacingMm, marginMm: number, work: Work = {}): RowRuns {
  checkMm(marginMm, 'the grow margin');
  return marginMm === 0 ? runs : dilateRuns(runs, spacingMm, marginMm, undefined, work);
}

/** Shrinks the mask by `marginMm` (the volume edge does not erode). */
export function shrinkRuns(runs: RowRuns, spacingMm: SpacingMm, marginMm: number, work: Work = {}): RowRuns {
  checkMm(marginMm, 'the shrink margin');
  if (marginMm === 0) return runs;
  return subtractRuns(runs, dilateRuns(complementRuns(runs), spacingMm, marginMm, runs, work));
}

/** Where the wall of a hollowed segment goes: outside it (the segment becomes the cavity), inside it, or centred on its boundary. */
export type HollowSide = 'outside' | 'inside' | 'centre';

/**
 * Refuses a wall that would have holes: thinner than the coarsest voxel spacing. (A centred wall
 * puts W/2 each side; each side reaches the nearest voxel centre, half a voxel from the surface.)
 */
export function checkWall(spacingMm: SpacingMm, wallMm: number, side: HollowSide): void {
  checkMm(wallMm, 'the wall thickness');
  if (side !== 'outside' && side !== 'inside' && side !== 'centre') {
    throw new ImageStackError('bad-argument', `the wall side must be outside, inside or centre, got ${String(side)}`);
  }
  const coarsest = Math.max(...spacingMm);
  if (wallMm < coarsest) {
    throw new ImageStackError('bad-argument', `a wall of ${wallMm} mm is thinner than the ${coarsest} mm voxel spacing: it would have holes`);
  }
}

/**
 * A wall of `wallMm` along the mask's boundary: 'outside' adds a wall around the mask and
 * removes the mask itself (the cavity keeps the mask's size: a printed airway keeps its lumen);
 * 'inside' keeps the mask's outermost `wallMm` (the outer size is kept); 'centre' puts half the
 * wall each side of the boundary. Refuses a wall thinner than the coarsest voxel spacing, which
 * would have holes.
 */
export function hollowRuns(runs: RowRuns, spacingMm: SpacingMm, wallMm: number, side: HollowSide, work: Work = {}): RowRuns {
  checkWall(spacingMm, wallMm, side);
  const outer = (mm: number, part?: [number, number]) => subtractRuns(dilateRuns(runs, spacingMm, mm, undefined, work, part), runs);
  const inner = (mm: number, part?: [number, number]) => intersectRuns(runs, dilateRuns(complementRuns(runs), spacingMm, mm, runs, work, part));
  switch (side) {
    case 'outside':
      return outer(wallMm);
    case 'inside':
      return inner(wallMm);
    case 'centre':
      return unionRuns(outer(wallMm / 2, [0, 0.5]), inner(wallMm / 2, [0.5, 1]));
  }
}
