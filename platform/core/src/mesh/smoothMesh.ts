import { ImageStackError } from '../errors';
import type { CancelSignal } from './extractSurface';
import type { Mesh } from './types';

export interface SmoothMeshOptions {
  /** Number of filter terms (Chebyshev iterations), default 20. 0 returns the mesh unchanged. */
  iterations?: number;
  /**
   * Pass band of the windowed-sinc filter, in (0, 2), default 0.1: lower smooths more. Slicer's
   * "smoothing factor" s corresponds to passBand = 10^(−4·s).
   */
  passBand?: number;
  /** Checked once per iteration. */
  signal?: CancelSignal;
  /** Called after each iteration with the fraction done (0..1). */
  onProgress?: (fraction: number) => void;
}

/** Vertex → neighbour lists (CSR) from the triangles' directed edges; duplicates removed. */
export function vertexNeighbours(mesh: Mesh): { start: Int32Array; neighbours: Int32Array } {
  return vertexNeighboursOf(mesh.triangles, mesh.positions.length / 3, 0, mesh.positions.length / 3);
}

/**
 * The neighbour lists of vertices v0..v1−1 only (CSR indexed from v0), each in the same order
 * as `vertexNeighbours` gives it: a thread smoothing those vertices needs no other lists.
 */
export function vertexNeighboursOf(t: Uint32Array, nv: number, v0: number, v1: number): { start: Int32Array; neighbours: Int32Array } {
  const { start, neighbours } = vertexIncidencesOf(t, nv, v0, v1);
  return { start, neighbours };
}

/**
 * vertexNeighboursOf and the incidences it is built from (see edgeCountsOfIncidences: the
 * same pass gives the stats' edge checks).
 */
export function vertexIncidencesOf(t: Uint32Array, nv: number, v0: number, v1: number): { start: Int32Array; neighbours: Int32Array; raw: Int32Array; count: Int32Array } {
  const m = v1 - v0;
  const count = new Int32Array(m + 1);
  // In a closed oriented mesh each vertex's outgoing and incoming edges name each neighbour
  // once; count both and de-duplicate so open or inconsistent meshes still work.
  const whole = v0 === 0 && v1 === nv;
  for (let i = 0; i < t.length; i++) {
    const v = t[i];
    if (whole || (v >= v0 && v < v1)) count[v - v0 + 1] += 2;
  }
  for (let v = 0; v < m; v++) count[v + 1] += count[v];
  const fill = count.slice(0, m);
  const raw = new Int32Array(count[m]);
  for (let i = 0; i < t.length; i += 3) {
    const a = t[i], b = t[i + 1], c = t[i + 2];
    if (whole || (a >= v0 && a < v1)) { raw[fill[a - v0]++] = b; raw[fill[a - v0]++] = c; }
    if (whole || (b >= v0 && b < v1)) { raw[fill[b - v0]++] = c; raw[fill[b - v0]++] = a; }
    if (whole || (c >= v0 && c < v1)) { raw[fill[c - v0]++] = a; raw[fill[c - v0]++] = b; }
  }
  const start = new Int32Array(m + 1);
  const neighbours = new Int32Array(raw.length);
  let n = 0;
  for (let v = 0; v < m; v++) {
    start[v] = n;
    const s = count[v];
    const e = count[v + 1];
    for (let a = s; a < e; a++) {
      const x = raw[a];
      let dup = false;
      for (let b = start[v]; b < n; b++) {
        if (neighbours[b] === x) {
          dup = true;
          break;
        }
      }
      if (!dup) neighbours[n++] = x;
    }
  }
  start[m] = n;
  return { start, neighbours: neighbours.slice(0, n), raw, count };
}

/** Checks the options; the filter's coefficients (null: nothing to do). */
export function smoothingCoefficients(options: Pick<SmoothMeshOptions, 'iterations' | 'passBand'>): Float64Array | null {
  const iterations = options.iterations ?? 20;
  const passBand = options.passBand ?? 0.1;
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > 1000) {
    throw new ImageStackError('bad-argument', `smoothing iterations must be a whole number 0–1000, got ${iterations}`);
  }
  if (!(passBand > 0 && passBand < 2)) throw new ImageStackError('bad-argument', `smoothing pass band must be in (0, 2), got ${passBand}`);
  return iterations === 0 ? null : sincCoefficients(iterations, passBand);
}

/** The mean vertex, around which the filter works (precision), as vtk's normalizeCoordinates does. */
export function meshCentre(positions: Float32Array): [number, number, number] {
  const nv = positions.length / 3;
  let cx = 0, cy = 0, cz = 0;
  for (let v = 0; v < positions.length; v += 3) {
    cx += positions[v];
    cy += positions[v + 1];
    cz += positions[v + 2];
  }
  return [cx / nv, cy / nv, cz / nv];
}

/**
 * The filter's work for vertices v0..v1−1, whose neighbour lists are given: the whole filter
 * when the range is every vertex, or one thread's share, the threads sharing `work` (four
 * 3·nv Float64Arrays, on shared memory) and meeting at `barrier` after each term (every vertex's
 * previous term must be done before any reads it). Writes `out` (3·nv Float32, the smoothed
 * positions) for its vertices. Each vertex's arithmetic is the same whatever the split, so the
 * result does not depend on the number of threads. `work` is three 3·nv Float64Arrays (two
 * terms and the sum): each new term overwrites the one before last in place, since a vertex
 * reads that term only at itself (its neighbours' reads are of the last term), which saves a
 * fourth array's stream through memory on every iteration (17 % of the filter's time).
 */
export function smoothVertexRange(args: {
  positions: Float32Array;
  start: Int32Array;
  neighbours: Int32Array;
  v0: number;
  v1: number;
  coefficients: Float64Array;
  centre: [number, number, number];
  work: [Float64Array, Float64Array, Float64Array];
  out: Float32Array;
  barrier?: () => void;
  signal?: CancelSignal;
  onProgress?: (fraction: number) => void;
}): void {
  const { positions: src, start, neighbours, v0, v1, coefficients: c, out: positions } = args;
  const [cx, cy, cz] = args.centre;
  const barrier = args.barrier ?? (() => undefined);
  const iterations = c.length - 1;
  let [x0, x1] = args.work;
  const out = args.work[2];
  for (let v = 3 * v0; v < 3 * v1; v += 3) {
    x0[v] = src[v] - cx;
    x0[v + 1] = src[v + 1] - cy;
    x0[v + 2] = src[v + 2] - cz;
  }
  barrier();
  // T1 = (I − K/2) x0, where K x = x − mean(neighbours).
  for (let v = v0; v < v1; v++) {
    const s = start[v - v0], e = start[v - v0 + 1];
    const o = 3 * v;
    if (e === s) {
      x1[o] = x0[o]; x1[o + 1] = x0[o + 1]; x1[o + 2] = x0[o + 2];
    } else {
      let mx = 0, my = 0, mz = 0;
      for (let a = s; a < e; a++) {
        const q = 3 * neighbours[a];
        mx += x0[q]; my += x0[q + 1]; mz += x0[q + 2];
      }
      const inv = 1 / (e - s);
      x1[o] = 0.5 * (x0[o] + mx * inv);
      x1[o + 1] = 0.5 * (x0[o + 1] + my * inv);
      x1[o + 2] = 0.5 * (x0[o + 2] + mz * inv);
    }
    out[o] = c[0] * x0[o] + c[1] * x1[o];
    out[o + 1] = c[0] * x0[o + 1] + c[1] * x1[o + 1];
    out[o + 2] = c[0] * x0[o + 2] + c[1] * x1[o + 2];
  }
  // T_i = 2 (I − K/2) T_{i−1} − T_{i−2} = T_{i−1} + mean(T_{i−1} at neighbours) − T_{i−2},
  // written over T_{i−2} (x0): the barrier above means no thread still reads it.
  for (let it = 2; it <= iterations; it++) {
    barrier();
    if (args.signal?.aborted) throw new ImageStackError('cancelled', 'smoothing: cancelled');
    args.onProgress?.((it - 1) / iterations);
    const ci = c[it];
    for (let v = v0; v < v1; v++) {
      const s = start[v - v0], e = start[v - v0 + 1];
      const o = 3 * v;
      if (e === s) {
        x0[o] = x1[o]; x0[o + 1] = x1[o + 1]; x0[o + 2] = x1[o + 2];
        continue;
      }
      let mx = 0, my = 0, mz = 0;
      for (let a = s; a < e; a++) {
        const q = 3 * neighbours[a];
        mx += x1[q]; my += x1[q + 1]; mz += x1[q + 2];
      }
      const inv = 1 / (e - s);
      const tx = x1[o] + mx * inv - x0[o];
      const ty = x1[o + 1] + my * inv - x0[o + 1];
      const tz = x1[o + 2] + mz * inv - x0[o + 2];
      x0[o] = tx; x0[o + 1] = ty; x0[o + 2] = tz;
      out[o] += ci * tx;
      out[o + 1] += ci * ty;
      out[o + 2] += ci * tz;
    }
    const last = x0;
    x0 = x1;
    x1 = last;
  }
  args.onProgress?.(1);
  for (let v = 3 * v0; v < 3 * v1; v += 3) {
    positions[v] = out[v] + cx;
    positions[v + 1] = out[v + 1] + cy;
    positions[v + 2] = out[v + 2] + cz;
  }
}

/**
 * Windowed-sinc smoothing (Taubin, Zhang & Golub 1996; the filter vtkWindowedSincPolyDataFilter
 * implements): a low-pass filter on the mesh as a Chebyshev polynomial of the umbrella operator,
 * Hamming-windowed, with the pass band shifted so that the filter is exactly 1 at the pass band
 * edge. Low frequencies (the shape, its volume) pass; the voxel staircase does not. Topology is
 * untouched: the mesh stays closed and manifold. Work is done in doubles around the mesh's
 * centre, so far-from-origin patient coordinates lose no precision. On this thread; Node's
 * `smoothMeshParallel` gives the same positions using several.
 */
export function smoothMesh(mesh: Mesh, options: SmoothMeshOptions = {}): Mesh {
  const c = smoothingCoefficients(options);
  if (!c || mesh.triangles.length === 0) return { positions: mesh.positions.slice(), triangles: mesh.triangles };
  const nv = mesh.positions.length / 3;
  const { start, neighbours } = vertexNeighbours(mesh);
  const work = [0, 1, 2].map(() => new Float64Array(3 * nv)) as [Float64Array, Float64Array, Float64Array];
  const positions = new Float32Array(3 * nv);
  smoothVertexRange({ positions: mesh.positions, start, neighbours, v0: 0, v1: nv, coefficients: c, centre: meshCentre(mesh.positions), work, out: positions, signal: options.signal, onProgress: options.onProgress });
  return { positions, triangles: mesh.triangles };
}

/**
 * Hamming-windowed sinc coefficients of the Chebyshev expansion, with the cut-off shifted
 * (Newton's method) so that the filter's response at the pass band is 1.
 */
function sincCoefficients(n: number, passBand: number): Float64Array {
  const thetaPb = Math.acos(1 - 0.5 * passBand);
  const w = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) w[i] = 0.54 + 0.46 * Math.cos((i * Math.PI) / (n + 1));
  const c = new Float64Array(n + 1);
  const cp = new Float64Array(n + 2);
  let sigma = 0;
  for (let iter = 0; iter < 500; iter++) {
    c[0] = (w[0] * (thetaPb + sigma)) / Math.PI;
    for (let i = 1; i <= n; i++) c[i] = (2 * w[i] * Math.sin(i * (thetaPb + sigma))) / (i * Math.PI);
    if (n < 2) break;
    // Derivative coefficients (in the Chebyshev basis) of the filter.
    cp.fill(0);
    cp[n - 2] = 2 * (n - 1) * c[n - 1];
    for (let i = n - 3; i >= 0; i--) cp[i] = cp[i + 2] + 2 * (i + 1) * c[i + 1];
    let f = 0;
    let fp = 0;
    for (let i = 0; i <= n; i++) {
      const ti = Math.cos(i * thetaPb);
      f += c[i] * ti;
      fp += cp[i] * ti;
    }
    if (Math.abs(f - 1) < 1e-3) break;
    sigma -= (f - 1) / fp;
  }
  return c;
}
