import type { Dimensions3 } from '../../geometry';
import type { SpacingMm } from '../types';

/** The value for "no feature voxel within reach". */
export const FAR_MM2 = 1e30;

export interface DistanceOptions {
  /**
   * Distances beyond this many millimetres are not needed (a grow or shrink margin): they come
   * out as FAR_MM2, which lets whole lines be skipped. Default: exact everywhere.
   */
  maxMm?: number;
}

/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012), separable
 * along x, y, z with each axis in millimetres, so anisotropic voxels are measured correctly.
 * Returns, for every voxel, the squared distance (mm²) from its centre to the centre of the
 * nearest voxel whose (value ≠ 0) equals `featureValue`; 0 on feature voxels, FAR_MM2 when there
 * is none (within `maxMm`).
 *
 * The y and z passes work on one slice / one panel of rows at a time, so the strided lines they
 * read stay in cache; lines with nothing to do (no feature, or all feature) are skipped.
 */
export function squaredDistanceMm2(voxels: Uint8Array, dims: Dimensions3, spacingMm: SpacingMm, featureValue: 0 | 1, options: DistanceOptions = {}): Float32Array {
  const [nx, ny, nz] = dims;
  const cut = options.maxMm === undefined ? Infinity : options.maxMm * options.maxMm * (1 + 1e-9);
  const d = new Float32Array(nx * ny * nz);
  for (let i = 0; i < d.length; i++) d[i] = (voxels[i] ? 1 : 0) === featureValue ? 0 : FAR_MM2;
  const nmax = Math.max(nx, ny, nz);
  const f = new Float64Array(nmax);
  const out = new Float64Array(nmax);
  const v = new Int32Array(nmax);
  const z = new Float64Array(nmax + 1);

  /** Transforms `n` values of `buf` at `base`, `base + stride`, … in place; skips trivial lines. */
  const line = (buf: Float32Array, base: number, stride: number, n: number, s: number) => {
    let anyFinite = false;
    let anyFar = false;
    for (let q = 0, o = base; q < n; q++, o += stride) {
      const x = buf[o];
      f[q] = x;
      if (x >= FAR_MM2) anyFar = true;
      else anyFinite = true;
    }
    if (!anyFinite || !anyFar) {
      // Nothing to propagate, or nothing to propagate into... unless finite values differ:
      // a line with no FAR entries still needs the envelope when its values are not all 0.
      if (!anyFinite) return;
      let allZero = true;
      for (let q = 0; q < n; q++) if (f[q] !== 0) allZero = false;
      if (allZero) return;
    }
    transform1d(f, n, s, out, v, z);
    for (let q = 0, o = base; q < n; q++, o += stride) buf[o] = out[q] > cut ? FAR_MM2 : out[q];
  };

  // x: rows are contiguous.
  for (let r = 0; r < ny * nz; r++) line(d, r * nx, 1, nx, spacingMm[0]);
  // y: within each slice (nx·ny values, in cache), columns of stride nx.
  for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) line(d, k * nx * ny + i, nx, ny, spacingMm[1]);
  // z: gather row j of every slice into a panel (nz × nx), transform its columns, scatter back.
  if (nz > 1) {
    const panel = new Float32Array(nx * nz);
    for (let j = 0; j < ny; j++) {
      for (let k = 0; k < nz; k++) panel.set(d.subarray(nx * (j + ny * k), nx * (j + ny * k) + nx), k * nx);
      for (let i = 0; i < nx; i++) line(panel, i, nx, nz, spacingMm[2]);
      for (let k = 0; k < nz; k++) d.set(panel.subarray(k * nx, k * nx + nx), nx * (j + ny * k));
    }
  }
  return d;
}

/** Lower envelope of parabolas (q·s − x)² + f[q]; sites with f ≥ FAR_MM2 are skipped. */
function transform1d(f: Float64Array, n: number, s: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq >= FAR_MM2) continue;
    const pq = q * s;
    let sI = -Infinity;
    while (k >= 0) {
      const pv = v[k] * s;
      sI = (fq + pq * pq - (f[v[k]] + pv * pv)) / (2 * (pq - pv));
      if (sI <= z[k]) k--;
      else break;
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
    } else {
      k++;
      v[k] = q;
      z[k] = sI;
    }
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) out[q] = FAR_MM2;
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    const x = q * s;
    while (z[j + 1] < x) j++;
    const dx = x - v[j] * s;
    out[q] = dx * dx + f[v[j]];
  }
}
