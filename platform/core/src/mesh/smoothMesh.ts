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
  const t = mesh.triangles;
  const nv = mesh.positions.length / 3;
  const count = new Int32Array(nv + 1);
  // In a closed oriented mesh each vertex's outgoing and incoming edges name each neighbour
  // once; count both and de-duplicate so open or inconsistent meshes still work.
  for (let i = 0; i < t.length; i += 3) {
    count[t[i] + 1] += 2;
    count[t[i + 1] + 1] += 2;
    count[t[i + 2] + 1] += 2;
  }
  for (let v = 0; v < nv; v++) count[v + 1] += count[v];
  const fill = count.slice(0, nv);
  const raw = new Int32Array(count[nv]);
  for (let i = 0; i < t.length; i += 3) {
    const a = t[i], b = t[i + 1], c = t[i + 2];
    raw[fill[a]++] = b; raw[fill[a]++] = c;
    raw[fill[b]++] = c; raw[fill[b]++] = a;
    raw[fill[c]++] = a; raw[fill[c]++] = b;
  }
  const start = new Int32Array(nv + 1);
  const neighbours = new Int32Array(raw.length);
  let n = 0;
  for (let v = 0; v < nv; v++) {
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
  start[nv] = n;
  return { start, neighbours: neighbours.slice(0, n) };
}

/**
 * Windowed-sinc smoothing (Taubin, Zhang & Golub 1996; the filter vtkWindowedSincPolyDataFilter
 * implements): a low-pass filter on the mesh as a Chebyshev polynomial of the umbrella operator,
 * Hamming-windowed, with the pass band shifted so that the filter is exactly 1 at the pass band
 * edge. Low frequencies (the shape, its volume) pass; the voxel staircase does not. Topology is
 * untouched: the mesh stays closed and manifold. Work is done in doubles around the mesh's
 * centre, so far-from-origin patient coordinates lose no precision.
 */
export function smoothMesh(mesh: Mesh, options: SmoothMeshOptions = {}): Mesh {
  const iterations = options.iterations ?? 20;
  const passBand = options.passBand ?? 0.1;
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > 1000) {
    throw new ImageStackError('bad-argument', `smoothing iterations must be a whole number 0–1000, got ${iterations}`);
  }
  if (!(passBand > 0 && passBand < 2)) throw new ImageStackError('bad-argument', `smoothing pass band must be in (0, 2), got ${passBand}`);
  if (iterations === 0 || mesh.triangles.length === 0) return { positions: mesh.positions.slice(), triangles: mesh.triangles };
  const c = sincCoefficients(iterations, passBand);
  const { start, neighbours } = vertexNeighbours(mesh);
  const nv = mesh.positions.length / 3;
  const src = mesh.positions;
  // Centre the coordinates (precision), as vtk's normalizeCoordinates does.
  let cx = 0, cy = 0, cz = 0;
  for (let v = 0; v < src.length; v += 3) {
    cx += src[v];
    cy += src[v + 1];
    cz += src[v + 2];
  }
  cx /= nv;
  cy /= nv;
  cz /= nv;
  let x0 = new Float64Array(3 * nv);
  for (let v = 0; v < src.length; v += 3) {
    x0[v] = src[v] - cx;
    x0[v + 1] = src[v + 1] - cy;
    x0[v + 2] = src[v + 2] - cz;
  }
  let x1 = new Float64Array(3 * nv);
  let x2 = new Float64Array(3 * nv);
  const out = new Float64Array(3 * nv);
  // T1 = (I − K/2) x0, where K x = x − mean(neighbours).
  for (let v = 0; v < nv; v++) {
    const s = start[v], e = start[v + 1];
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
  // T_i = 2 (I − K/2) T_{i−1} − T_{i−2} = T_{i−1} + mean(T_{i−1} at neighbours) − T_{i−2}.
  for (let it = 2; it <= iterations; it++) {
    if (options.signal?.aborted) throw new ImageStackError('cancelled', 'smoothing: cancelled');
    options.onProgress?.((it - 1) / iterations);
    const ci = c[it];
    for (let v = 0; v < nv; v++) {
      const s = start[v], e = start[v + 1];
      const o = 3 * v;
      if (e === s) {
        x2[o] = x1[o]; x2[o + 1] = x1[o + 1]; x2[o + 2] = x1[o + 2];
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
      x2[o] = tx; x2[o + 1] = ty; x2[o + 2] = tz;
      out[o] += ci * tx;
      out[o + 1] += ci * ty;
      out[o + 2] += ci * tz;
    }
    const free = x0;
    x0 = x1;
    x1 = x2;
    x2 = free;
  }
  options.onProgress?.(1);
  const positions = new Float32Array(3 * nv);
  for (let v = 0; v < 3 * nv; v += 3) {
    positions[v] = out[v] + cx;
    positions[v + 1] = out[v + 1] + cy;
    positions[v + 2] = out[v + 2] + cz;
  }
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
