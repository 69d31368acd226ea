import { findRoot, singletons, unite } from '../unionFind';
import { RunsBuilder, type RowRuns } from './runs';

/**
 * Connected components of a mask given as runs. Runs are joined with union–find to the
 * overlapping runs of the face-neighbour rows (row j − 1 of the same slice and, unless
 * `planar`, row j of the previous slice): 6-connectivity, the connectivity marching cubes uses,
 * so one island is one part of the surface. Planar components stay inside their slice
 * (4-connected in the slice plane), for slice-by-slice hole filling.
 */
export interface Components {
  count: number;
  /** Per run: its component, 0..count − 1. */
  ofRun: Int32Array;
  /** Per component: voxel count. */
  size: Float64Array;
  /** Per component: 1 when it reaches the edge of the volume (of its slice, if planar). */
  touchesBorder: Uint8Array;
}

export function runComponents(runs: RowRuns, options: { planar?: boolean } = {}): Components {
  const [nx, ny, nz] = runs.dims;
  const { rowFirst, start, end } = runs;
  const n = start.length;
  const parent = singletons(new Int32Array(n));
  // Join the runs of row r with the overlapping runs of row q (both sorted): one merge pass.
  const join = (r: number, q: number) => {
    let b = rowFirst[q];
    const be = rowFirst[q + 1];
    for (let a = rowFirst[r], ae = rowFirst[r + 1]; a < ae; a++) {
      while (b < be && end[b] <= start[a]) b++;
      for (let c = b; c < be && start[c] < end[a]; c++) unite(parent, a, c);
    }
  };
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const r = j + ny * k;
      if (rowFirst[r] === rowFirst[r + 1]) continue;
      if (j > 0) join(r, r - 1);
      if (k > 0 && !options.planar) join(r, r - ny);
    }
  }
  const ofRun = new Int32Array(n);
  const rootComponent = new Int32Array(n).fill(-1);
  let count = 0;
  for (let a = 0; a < n; a++) {
    const root = findRoot(parent, a);
    if (rootComponent[root] < 0) rootComponent[root] = count++;
    ofRun[a] = rootComponent[root];
  }
  const size = new Float64Array(count);
  const touchesBorder = new Uint8Array(count);
  for (let k = 0, r = 0; k < nz; k++) {
    const edgeSlice = !options.planar && (k === 0 || k === nz - 1);
    for (let j = 0; j < ny; j++, r++) {
      const edgeRow = edgeSlice || j === 0 || j === ny - 1;
      for (let a = rowFirst[r]; a < rowFirst[r + 1]; a++) {
        const c = ofRun[a];
        size[c] += end[a] - start[a];
        if (edgeRow || start[a] === 0 || end[a] === nx) touchesBorder[c] = 1;
      }
    }
  }
  return { count, ofRun, size, touchesBorder };
}

/** The runs of the components with keep[component] set. */
export function keepComponents(runs: RowRuns, components: Components, keep: Uint8Array): RowRuns {
  const rows = runs.dims[1] * runs.dims[2];
  const out = new RunsBuilder(runs.dims, runs.start.length);
  for (let r = 0; r < rows; r++) {
    for (let a = runs.rowFirst[r]; a < runs.rowFirst[r + 1]; a++) if (keep[components.ofRun[a]]) out.push(runs.start[a], runs.end[a]);
    out.endRow();
  }
  return out.finish();
}

/** The component holding voxel (i, j, k), or −1 when the voxel is not in the mask. */
export function componentAt(runs: RowRuns, components: Components, [i, j, k]: [number, number, number]): number {
  const r = j + runs.dims[1] * k;
  for (let a = runs.rowFirst[r]; a < runs.rowFirst[r + 1]; a++) {
    if (runs.start[a] > i) break;
    if (i < runs.end[a]) return components.ofRun[a];
  }
  return -1;
}
