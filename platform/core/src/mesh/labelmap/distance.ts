import type { Dimensions3 } from '../../geometry';
import type { SpacingMm } from '../types';

const FAR = 1e30;

/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012), separable
 * along x, y, z with each axis in millimetres, so anisotropic voxels are measured correctly.
 * Returns, for every voxel, the squared distance (mm²) from its centre to the centre of the
 * nearest voxel for which `isFeature(value)` holds; 0 on feature voxels, ≥ 1e30 when there
 * are none.
 */
export function squaredDistanceMm2(voxels: Uint8Array, dims: Dimensions3, spacingMm: SpacingMm, featureValue: 0 | 1): Float32Array {
  const [nx, ny, nz] = dims;
  const d = new Float32Array(nx * ny * nz);
  for (let i = 0; i < d.length; i++) d[i] = (voxels[i] ? 1 : 0) === featureValue ? 0 : FAR;
  const nmax = Math.max(nx, ny, nz);
  const f = new Float64Array(nmax);
  const out = new Float64Array(nmax);
  const v = new Int32Array(nmax);
  const z = new Float64Array(nmax + 1);
  const pass = (n: number, count: number, lineStart: (line: number) => number, stride: number, s: number) => {
    for (let line = 0; line < count; line++) {
      const base = lineStart(line);
      for (let q = 0; q < n; q++) f[q] = d[base + q * stride];
      transform1d(f, n, s, out, v, z);
      for (let q = 0; q < n; q++) d[base + q * stride] = out[q];
    }
  };
  pass(nx, ny * nz, line => line * nx, 1, spacingMm[0]);
  pass(ny, nx * nz, line => (line % nx) + nx * ny * Math.floor(line / nx), nx, spacingMm[1]);
  pass(nz, nx * ny, line => line, nx * ny, spacingMm[2]);
  return d;
}

/** Lower envelope of parabolas (q·s − x)² + f[q]; sites with f ≥ FAR are skipped. */
function transform1d(f: Float64Array, n: number, s: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq >= FAR) continue;
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
    for (let q = 0; q < n; q++) out[q] = FAR;
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
