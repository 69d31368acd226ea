import { ImageStackError } from '../errors';
import { inKernelCalls } from '../wasm/assemble';
import type { CancelSignal } from './extractSurface';
import { smoothKernelMemory, smoothKernelOn, type SmoothKernel, type WasmMemory } from './smoothKernel';
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
  // seen[x] = 1 + the vertex whose list has x already: first-seen order without rescanning
  const seen = new Int32Array(nv);
  let n = 0;
  for (let v = 0; v < m; v++) {
    start[v] = n;
    const s = count[v];
    const e = count[v + 1];
    for (let a = s; a < e; a++) {
      const x = raw[a];
      if (seen[x] === v + 1) continue;
      seen[x] = v + 1;
      neighbours[n++] = x;
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
 * when the range is every vertex, or one thread's share, the threads sharing `work` (two
 * 3·nv Float64Arrays, on shared memory) and meeting at `barrier` after each term (every vertex's
 * previous term must be done before any reads it). Writes `out` (3·nv Float32, the smoothed
 * positions) for its vertices. Each vertex's arithmetic is the same whatever the split, so the
 * result does not depend on the number of threads.
 *
 * The sum Σ c_k T_k(A) x (A = I − K/2, K x = x − mean of the neighbours) is evaluated by
 * Clenshaw's recurrence, b_k = c_k x + 2A b_{k+1} − b_{k+2} from k = n down to 1, then
 * c_0 x + A b_1 − b_2, rather than term by term with a running sum: the same number of
 * neighbour passes, but each reads and writes one array besides the one it averages (b_k is
 * written over b_{k+2}, which a vertex reads only at itself), with no sum array, so a third less
 * memory traffic per pass, and the smoothing is memory-bound. Clenshaw's recurrence is as
 * stable as the forward one for Chebyshev sums (|T_k| ≤ 1 on A's spectrum, [−1, 1]).
 */
export function smoothVertexRange(args: {
  positions: Float32Array;
  start: Int32Array;
  neighbours: Int32Array;
  v0: number;
  v1: number;
  coefficients: Float64Array;
  centre: [number, number, number];
  work: [Float64Array, Float64Array];
  out: Float32Array;
  barrier?: () => void;
  signal?: CancelSignal;
  onProgress?: (fraction: number) => void;
  /** Runs each term's loop in WebAssembly (smoothKernel.ts): every array above is a view of its memory. */
  kernel?: SmoothKernel | null;
}): void {
  const { positions: src, start, neighbours, v0, v1, coefficients: c, out } = args;
  const kernel = args.kernel ?? null;
  if (kernel) {
    for (const a of [src, start, neighbours, args.work[0], args.work[1], out]) {
      if (a.buffer !== kernel.memory.buffer) throw new Error('smoothVertexRange: an array is not on the kernel\'s memory');
    }
  }
  const [cx, cy, cz] = args.centre;
  const barrier = args.barrier ?? (() => undefined);
  const n = c.length - 1;
  // Q holds b_{k+1}, P holds b_{k+2} (then b_k, written over it).
  let [p, q] = args.work;
  const cn = c[n];
  const mean = new Float64Array(3);
  if (kernel) {
    const [qa, pa] = [q.byteOffset, p.byteOffset];
    inKernelCalls(v0, v1, (a, b) => kernel.first(src.byteOffset, qa, pa, start.byteOffset, neighbours.byteOffset, a, b, 0, cn, cx, cy, cz));
  } else for (let v = 3 * v0; v < 3 * v1; v += 3) {
    q[v] = cn * (src[v] - cx);
    q[v + 1] = cn * (src[v + 1] - cy);
    q[v + 2] = cn * (src[v + 2] - cz);
    p[v] = 0;
    p[v + 1] = 0;
    p[v + 2] = 0;
  }
  for (let k = n - 1; k >= 1; k--) {
    barrier();
    if (args.signal?.aborted) throw new ImageStackError('cancelled', 'smoothing: cancelled');
    args.onProgress?.((n - 1 - k) / n);
    const ck = c[k];
    if (kernel) {
      const [qa, pa] = [q.byteOffset, p.byteOffset];
      inKernelCalls(v0, v1, (a, b) => kernel.term(src.byteOffset, qa, pa, start.byteOffset + 4 * (a - v0), neighbours.byteOffset, a, b, 0, ck, cx, cy, cz));
    } else for (let v = v0; v < v1; v++) {
      const o = 3 * v;
      // 2A b = b + mean(b at the neighbours)
      neighbourMean(q, start, neighbours, v - v0, o, mean);
      p[o] = ck * (src[o] - cx) + q[o] + mean[0] - p[o];
      p[o + 1] = ck * (src[o + 1] - cy) + q[o + 1] + mean[1] - p[o + 1];
      p[o + 2] = ck * (src[o + 2] - cz) + q[o + 2] + mean[2] - p[o + 2];
    }
    const t = p;
    p = q;
    q = t;
  }
  barrier();
  if (args.signal?.aborted) throw new ImageStackError('cancelled', 'smoothing: cancelled');
  args.onProgress?.((n - 1) / n);
  // c_0 x + A b_1 − b_2, A b = (b + mean(b)) / 2
  const c0 = c[0];
  if (kernel) {
    const [qa, pa] = [q.byteOffset, p.byteOffset];
    inKernelCalls(v0, v1, (a, b) => kernel.last(src.byteOffset, qa, pa, start.byteOffset + 4 * (a - v0), neighbours.byteOffset, a, b, out.byteOffset, c0, cx, cy, cz));
  } else for (let v = v0; v < v1; v++) {
    const o = 3 * v;
    neighbourMean(q, start, neighbours, v - v0, o, mean);
    out[o] = c0 * (src[o] - cx) + 0.5 * (q[o] + mean[0]) - p[o] + cx;
    out[o + 1] = c0 * (src[o + 1] - cy) + 0.5 * (q[o + 1] + mean[1]) - p[o + 1] + cy;
    out[o + 2] = c0 * (src[o + 2] - cz) + 0.5 * (q[o + 2] + mean[2]) - p[o + 2] + cz;
  }
  args.onProgress?.(1);
}

/**
 * The mean of b (3 per vertex) over vertex o/3's neighbours (CSR row `row` of start/neighbours)
 * into mean[0..2]; a vertex with none is its own mean (K b = 0 there).
 */
function neighbourMean(b: Float64Array, start: Int32Array, neighbours: Int32Array, row: number, o: number, mean: Float64Array): void {
  const s = start[row], e = start[row + 1];
  if (e === s) {
    mean[0] = b[o]; mean[1] = b[o + 1]; mean[2] = b[o + 2];
    return;
  }
  let mx = 0, my = 0, mz = 0;
  for (let a = s; a < e; a++) {
    const r = 3 * neighbours[a];
    mx += b[r]; my += b[r + 1]; mz += b[r + 2];
  }
  const inv = 1 / (e - s);
  mean[0] = mx * inv; mean[1] = my * inv; mean[2] = mz * inv;
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
  const lists = vertexNeighbours(mesh);
  const centre = meshCentre(mesh.positions);
  const run = { v0: 0, v1: nv, coefficients: c, centre, signal: options.signal, onProgress: options.onProgress };
  const layout = smoothMemoryLayout(nv, [{ rows: nv, entries: lists.neighbours.length }]);
  const memory = smoothKernelMemory(layout.bytes, false);
  const kernel = memory && smoothKernelOn(memory);
  if (memory && kernel) {
    const on = smoothArraysOn(memory, layout);
    on.positions.set(mesh.positions);
    const { start, neighbours } = on.lists(0);
    start.set(lists.start);
    neighbours.set(lists.neighbours);
    smoothVertexRange({ ...run, positions: on.positions, start, neighbours, work: on.work, out: on.out, kernel });
    return { positions: on.out.slice(), triangles: mesh.triangles };
  }
  const work = [0, 1].map(() => new Float64Array(3 * nv)) as [Float64Array, Float64Array];
  const positions = new Float32Array(3 * nv);
  smoothVertexRange({ ...run, positions: mesh.positions, start: lists.start, neighbours: lists.neighbours, work, out: positions });
  return { positions, triangles: mesh.triangles };
}

/** Where smoothing's arrays lie in one kernel memory (byte offsets, 8-aligned). */
export interface SmoothMemoryLayout {
  vertices: number;
  bytes: number;
  positions: number;
  work: [number, number];
  out: number;
  /** Per neighbour list (one per thread): its CSR rows (vertices) and room for its entries. */
  lists: Array<{ rows: number; entries: number; start: number; neighbours: number }>;
}

/**
 * The layout for nv vertices and the given neighbour lists (each `rows` vertices with at most
 * `entries` neighbours in all): positions (float32 ×3), the two work arrays (float64 ×3), the
 * output (float32 ×3), then each list's start (rows + 1) and neighbours (int32).
 */
export function smoothMemoryLayout(nv: number, lists: ReadonlyArray<{ rows: number; entries: number }>): SmoothMemoryLayout {
  let at = 0;
  const take = (bytes: number) => {
    const o = at;
    at += Math.ceil(bytes / 8) * 8;
    return o;
  };
  const positions = take(12 * nv);
  const work: [number, number] = [take(24 * nv), take(24 * nv)];
  const out = take(12 * nv);
  const placed = lists.map(l => ({ rows: l.rows, entries: l.entries, start: take(4 * (l.rows + 1)), neighbours: take(4 * l.entries) }));
  return { vertices: nv, bytes: at, positions, work, out, lists: placed };
}

/** Views of the layout's arrays on `memory`; lists(i) gives list i's start and its room for neighbours. */
export function smoothArraysOn(memory: WasmMemory, layout: SmoothMemoryLayout) {
  const b = memory.buffer;
  const nv = layout.vertices;
  return {
    positions: new Float32Array(b, layout.positions, 3 * nv),
    work: [new Float64Array(b, layout.work[0], 3 * nv), new Float64Array(b, layout.work[1], 3 * nv)] as [Float64Array, Float64Array],
    out: new Float32Array(b, layout.out, 3 * nv),
    lists: (i: number) => {
      const l = layout.lists[i];
      return { start: new Int32Array(b, l.start, l.rows + 1), neighbours: new Int32Array(b, l.neighbours, l.entries) };
    },
  };
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
