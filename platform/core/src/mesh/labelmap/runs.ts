import { ImageStackError } from '../../errors';
import type { Dimensions3 } from '../../geometry';
import type { CancelSignal } from '../extractSurface';
import type { SliceArray, SliceSource } from '../types';

/**
 * A binary mask as the runs of each row: row r = j + ny·k (row j of slice k) holds the runs
 * rowFirst[r] … rowFirst[r + 1] − 1, each the columns start[a] … end[a] − 1, sorted, disjoint
 * and not touching. The one run-length encoding of the labelmap operations: every operation
 * reads its source into runs once, works on runs (memory and time scale with the runs, not the
 * voxels), and hands on a SliceSource painted from runs.
 */
export interface RowRuns {
  dims: Dimensions3;
  rowFirst: Int32Array;
  start: Int32Array;
  end: Int32Array;
}

/** Appends runs row after row (rows in order, runs in order within a row). */
export class RunsBuilder {
  private start: Int32Array;
  private end: Int32Array;
  private n = 0;
  private row = 0;
  private readonly rowFirst: Int32Array;

  constructor(private readonly dims: Dimensions3, capacity = 1024) {
    const rows = dims[1] * dims[2];
    this.rowFirst = new Int32Array(rows + 1);
    this.start = new Int32Array(Math.max(16, capacity));
    this.end = new Int32Array(this.start.length);
  }

  /** Adds columns s … e − 1 to the current row; a run touching the previous one is merged. */
  push(s: number, e: number): void {
    if (e <= s) return;
    const n = this.n;
    if (n > this.rowFirst[this.row] && this.end[n - 1] >= s) {
      if (e > this.end[n - 1]) this.end[n - 1] = e;
      return;
    }
    if (n === this.start.length) {
      const s2 = new Int32Array(n * 2);
      s2.set(this.start);
      const e2 = new Int32Array(n * 2);
      e2.set(this.end);
      this.start = s2;
      this.end = e2;
    }
    this.start[n] = s;
    this.end[n] = e;
    this.n = n + 1;
  }

  /** Closes the current row; the next push goes to the next row. */
  endRow(): void {
    this.rowFirst[++this.row] = this.n;
  }

  finish(): RowRuns {
    const rows = this.dims[1] * this.dims[2];
    while (this.row < rows) this.endRow();
    return { dims: this.dims, rowFirst: this.rowFirst, start: this.start.slice(0, this.n), end: this.end.slice(0, this.n) };
  }
}

/** Marks a SliceSource painted from runs, so the next operation takes the runs without re-reading. */
const RUNS = Symbol('imagestack.rowRuns');
type RunsSource = SliceSource & { [RUNS]?: RowRuns };

export interface ReadRunsOptions {
  signal?: CancelSignal;
  /** Fraction of the slices read, 0..1. */
  onProgress?: (fraction: number) => void;
}

/**
 * The runs of the voxels of `source` whose value lies in `range` (inclusive), reading each slice
 * once in order. A source made by `runsSource` (any refine step's output) gives its runs back
 * directly when the range takes its 1s and not its 0s.
 */
export function readRuns(source: SliceSource, range: [number, number], options: ReadRunsOptions = {}): RowRuns {
  const [lo, hi] = range;
  if (!(lo <= hi)) throw new ImageStackError('bad-argument', `the value range ${lo}–${hi} is empty: give low ≤ high`);
  const tagged = (source as RunsSource)[RUNS];
  if (tagged && lo <= 1 && hi >= 1 && !(lo <= 0 && hi >= 0)) return tagged;
  const [nx, ny, nz] = source.dims;
  const out = new RunsBuilder(source.dims, ny * nz * 2);
  const bits = new Uint8Array(nx);
  for (let k = 0; k < nz; k++) {
    if (options.signal?.aborted) throw new ImageStackError('cancelled', 'cancelled');
    const slice: SliceArray = source.getSlice(k);
    if (slice.length < nx * ny) throw new ImageStackError('mismatch', `labelmap slice ${k} has ${slice.length} voxels, expected ${nx}×${ny}`);
    for (let j = 0; j < ny; j++) {
      const base = j * nx;
      for (let x = 0; x < nx; x++) {
        const v = slice[base + x];
        bits[x] = v >= lo && v <= hi ? 1 : 0;
      }
      let i = 0;
      while (i < nx) {
        while (i < nx && bits[i] === 0) i++;
        if (i >= nx) break;
        const s = i;
        while (i < nx && bits[i] === 1) i++;
        out.push(s, i);
      }
      out.endRow();
    }
    options.onProgress?.((k + 1) / nz);
  }
  return out.finish();
}

/** 0/1 slices painted on demand from runs (one reused buffer), tagged so readRuns can take the runs back. */
export function runsSource(runs: RowRuns): SliceSource {
  const [nx, ny] = runs.dims;
  const slice = new Uint8Array(nx * ny);
  const source: RunsSource = {
    dims: runs.dims,
    getSlice(k: number): Uint8Array {
      slice.fill(0);
      const r0 = ny * k;
      for (let j = 0; j < ny; j++) {
        for (let a = runs.rowFirst[r0 + j]; a < runs.rowFirst[r0 + j + 1]; a++) slice.fill(1, nx * j + runs.start[a], nx * j + runs.end[a]);
      }
      return slice;
    },
  };
  source[RUNS] = runs;
  return source;
}

/** Voxels covered by the runs. */
export function runsVoxelCount(runs: RowRuns): number {
  let n = 0;
  for (let a = 0; a < runs.start.length; a++) n += runs.end[a] - runs.start[a];
  return n;
}

/** The background inside the volume: each row's gaps between runs. */
export function complementRuns(runs: RowRuns): RowRuns {
  const [nx, ny, nz] = runs.dims;
  const rows = ny * nz;
  const out = new RunsBuilder(runs.dims, runs.start.length + rows);
  for (let r = 0; r < rows; r++) {
    let x = 0;
    for (let a = runs.rowFirst[r]; a < runs.rowFirst[r + 1]; a++) {
      out.push(x, runs.start[a]);
      x = runs.end[a];
    }
    out.push(x, nx);
    out.endRow();
  }
  return out.finish();
}

/** Voxels in a or b. */
export function unionRuns(a: RowRuns, b: RowRuns): RowRuns {
  const rows = a.dims[1] * a.dims[2];
  const out = new RunsBuilder(a.dims, a.start.length + b.start.length);
  for (let r = 0; r < rows; r++) {
    let p = a.rowFirst[r];
    let q = b.rowFirst[r];
    const pe = a.rowFirst[r + 1];
    const qe = b.rowFirst[r + 1];
    while (p < pe || q < qe) {
      if (q >= qe || (p < pe && a.start[p] <= b.start[q])) {
        out.push(a.start[p], a.end[p]);
        p++;
      } else {
        out.push(b.start[q], b.end[q]);
        q++;
      }
    }
    out.endRow();
  }
  return out.finish();
}

/** Voxels in both a and b. */
export function intersectRuns(a: RowRuns, b: RowRuns): RowRuns {
  const rows = a.dims[1] * a.dims[2];
  const out = new RunsBuilder(a.dims, Math.min(a.start.length, b.start.length) + 16);
  for (let r = 0; r < rows; r++) {
    let p = a.rowFirst[r];
    let q = b.rowFirst[r];
    const pe = a.rowFirst[r + 1];
    const qe = b.rowFirst[r + 1];
    while (p < pe && q < qe) {
      const s = Math.max(a.start[p], b.start[q]);
      const e = Math.min(a.end[p], b.end[q]);
      if (s < e) out.push(s, e);
      if (a.end[p] < b.end[q]) p++;
      else q++;
    }
    out.endRow();
  }
  return out.finish();
}

/** Voxels in a and not in b. */
export function subtractRuns(a: RowRuns, b: RowRuns): RowRuns {
  return intersectRuns(a, complementRuns(b));
}
