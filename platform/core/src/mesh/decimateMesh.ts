import { ImageStackError } from '../errors';
import type { CancelSignal } from './extractSurface';
import type { Mesh } from './types';

export interface DecimateMeshOptions {
  /**
   * Fraction of triangles to remove, 0 ≤ reduction < 1 (as vtk's and Slicer's "target
   * reduction": 0.75 keeps about a quarter). Default 0.5. The target may not be reached where
   * every remaining collapse would break the mesh; the mesh is never broken to reach it.
   */
  reduction?: number;
  /**
   * Refuse collapses that would create a crease sharper than about 107° (default true): keeps
   * thin parts from folding onto themselves, at some cost in speed and in how far very busy
   * meshes can be reduced.
   */
  preventFolds?: boolean;
  /** Checked once per pass. */
  signal?: CancelSignal;
  /** Called after each pass with the fraction of the target reduction reached (0..1). */
  onProgress?: (fraction: number) => void;
}

/**
 * Quadric edge collapse (Garland & Heckbert 1997), with the thresholded multi-pass schedule of
 * Fast-Quadric-Mesh-Simplification, restricted to collapses that keep a closed 2-manifold
 * closed and 2-manifold:
 * - the link condition (Dey et al. 1999): the collapsing edge's endpoints share exactly the two
 *   opposite vertices of its two triangles, and those two are not themselves joined by an edge;
 * - no triangle around the edge may flip or degenerate at the new position;
 * - with `preventFolds`, no new crease sharper than about 107° (against self-intersections,
 *   which quadric error alone allows where a thin part folds onto itself).
 * Each collapse moves the kept vertex to the quadric-optimal point (or the best of the two
 * endpoints and the midpoint when that is ill-conditioned). Only meshes' closed parts are
 * simplified: an edge with one triangle fails the link condition and is never collapsed.
 */
export function decimateMesh(mesh: Mesh, options: DecimateMeshOptions = {}): Mesh {
  const reduction = options.reduction ?? 0.5;
  if (!(reduction >= 0 && reduction < 1)) throw new ImageStackError('bad-argument', `decimation must be a fraction from 0 to below 1, got ${reduction}`);
  const nt0 = mesh.triangles.length / 3;
  if (reduction === 0 || nt0 < 8) return { positions: mesh.positions.slice(), triangles: mesh.triangles.slice() };
  const target = Math.max(4, Math.round(nt0 * (1 - reduction)));
  return new Decimator(mesh).run(target, options);
}

class Decimator {
  nv: number;
  nt: number;
  pos: Float64Array;
  tri: Int32Array;
  triDeleted: Uint8Array;
  triDirty: Uint8Array;
  /**
   * Per triangle, bit j set when collapsing its edge j was refused (link, flip, fold); cleared
   * when a collapse changes the triangle. Refused edges are not retried every pass.
   */
  triRefused: Uint8Array;
  /** Per triangle: error of edge 0 (v0→v1), 1, 2, and their minimum. */
  triErr: Float32Array;
  /** Per vertex: symmetric 4×4 quadric, 10 doubles. */
  q: Float64Array;
  vStart: Int32Array;
  vCount: Int32Array;
  refTri: Int32Array;
  refCorner: Uint8Array;
  refLength = 0;
  stamp: Int32Array;
  stamp2: Int32Array;
  token = 0;
  scale2 = 1;
  alive: number;
  /** Scratch: per new fan triangle its unit normal, rim vertices a, b and triangle id. */
  fan = new Float64Array(6 * 256);
  // scratch for the chosen collapse point
  px = 0;
  py = 0;
  pz = 0;

  constructor(mesh: Mesh) {
    this.nv = mesh.positions.length / 3;
    this.nt = mesh.triangles.length / 3;
    this.alive = this.nt;
    this.pos = Float64Array.from(mesh.positions);
    this.tri = Int32Array.from(mesh.triangles);
    this.triDeleted = new Uint8Array(this.nt);
    this.triDirty = new Uint8Array(this.nt);
    this.triRefused = new Uint8Array(this.nt);
    this.triErr = new Float32Array(4 * this.nt); // compared with a growing threshold only: float is plenty
    this.q = new Float64Array(10 * this.nv);
    this.vStart = new Int32Array(this.nv);
    this.vCount = new Int32Array(this.nv);
    this.refTri = new Int32Array(3 * this.nt * 2);
    this.refCorner = new Uint8Array(3 * this.nt * 2);
    this.stamp = new Int32Array(this.nv);
    this.stamp2 = new Int32Array(this.nv);
  }

  preventFolds = true;

  run(target: number, options: DecimateMeshOptions): Mesh {
    this.preventFolds = options.preventFolds ?? true;
    this.initQuadrics();
    this.buildRefs();
    for (let t = 0; t < this.nt; t++) this.computeTriangleErrors(t);
    let idlePasses = 0;
    for (let pass = 0; pass < 200 && this.alive > target; pass++) {
      if (options.signal?.aborted) throw new ImageStackError('cancelled', 'decimation: cancelled');
      options.onProgress?.(Math.min(1, (this.nt - this.alive) / Math.max(1, this.nt - target)));
      if (pass % 5 === 0 && pass > 0) this.buildRefs();
      this.triDirty.fill(0);
      const threshold = 1e-9 * Math.pow(pass + 3, 7) * this.scale2;
      let collapsed = 0;
      for (let t = 0; t < this.nt && this.alive > target; t++) {
        if (this.triDeleted[t] || this.triDirty[t] || this.triErr[4 * t + 3] > threshold) continue;
        for (let j = 0; j < 3; j++) {
          if (this.triErr[4 * t + j] > threshold || this.triRefused[t] & (1 << j)) continue;
          if (!this.tryCollapse(this.tri[3 * t + j], this.tri[3 * t + ((j + 1) % 3)])) {
            this.triRefused[t] |= 1 << j;
          } else {
            collapsed++;
            break;
          }
        }
      }
      // Once errors above an edge length² are allowed, passes that collapse (almost) nothing mean
      // every remaining collapse would break or fold the mesh: stop rather than spin.
      if (threshold > this.scale2 && collapsed <= this.alive * 1e-4) {
        if (++idlePasses >= 4) break;
      } else idlePasses = 0;
    }
    options.onProgress?.(1);
    return this.compact();
  }

  initQuadrics(): void {
    const { pos, tri, q } = this;
    let edgeSum = 0;
    for (let t = 0; t < this.nt; t++) {
      const a = 3 * tri[3 * t], b = 3 * tri[3 * t + 1], c = 3 * tri[3 * t + 2];
      const ux = pos[b] - pos[a], uy = pos[b + 1] - pos[a + 1], uz = pos[b + 2] - pos[a + 2];
      const wx = pos[c] - pos[a], wy = pos[c + 1] - pos[a + 1], wz = pos[c + 2] - pos[a + 2];
      let nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
      edgeSum += Math.sqrt(ux * ux + uy * uy + uz * uz);
      const len = Math.sqrt(nx * nx + ny * ny + nz * nz);
      if (len === 0) continue;
      nx /= len; ny /= len; nz /= len;
      const d = -(nx * pos[a] + ny * pos[a + 1] + nz * pos[a + 2]);
      for (let k = 0; k < 3; k++) {
        const o = 10 * tri[3 * t + k];
        q[o] += nx * nx; q[o + 1] += nx * ny; q[o + 2] += nx * nz; q[o + 3] += nx * d;
        q[o + 4] += ny * ny; q[o + 5] += ny * nz; q[o + 6] += ny * d;
        q[o + 7] += nz * nz; q[o + 8] += nz * d; q[o + 9] += d * d;
      }
    }
    const meanEdge = edgeSum / Math.max(1, this.nt);
    this.scale2 = meanEdge * meanEdge || 1;
  }

  /** Rebuilds vertex → triangle references from the live triangles. */
  buildRefs(): void {
    const { tri, vStart, vCount } = this;
    vCount.fill(0);
    for (let t = 0; t < this.nt; t++) {
      if (this.triDeleted[t]) continue;
      vCount[tri[3 * t]]++;
      vCount[tri[3 * t + 1]]++;
      vCount[tri[3 * t + 2]]++;
    }
    let s = 0;
    for (let v = 0; v < this.nv; v++) {
      vStart[v] = s;
      s += vCount[v];
      vCount[v] = 0;
    }
    for (let t = 0; t < this.nt; t++) {
      if (this.triDeleted[t]) continue;
      for (let k = 0; k < 3; k++) {
        const v = tri[3 * t + k];
        const r = vStart[v] + vCount[v]++;
        this.refTri[r] = t;
        this.refCorner[r] = k;
      }
    }
    this.refLength = s;
  }

  /** Quadric error of placing a vertex with quadric q0 + q1 at (x, y, z). */
  error(a: number, b: number, x: number, y: number, z: number): number {
    const q = this.q;
    const A = 10 * a, B = 10 * b;
    const q0 = q[A] + q[B], q1 = q[A + 1] + q[B + 1], q2 = q[A + 2] + q[B + 2], q3 = q[A + 3] + q[B + 3];
    const q4 = q[A + 4] + q[B + 4], q5 = q[A + 5] + q[B + 5], q6 = q[A + 6] + q[B + 6];
    const q7 = q[A + 7] + q[B + 7], q8 = q[A + 8] + q[B + 8], q9 = q[A + 9] + q[B + 9];
    return q0 * x * x + 2 * q1 * x * y + 2 * q2 * x * z + 2 * q3 * x + q4 * y * y + 2 * q5 * y * z + 2 * q6 * y + q7 * z * z + 2 * q8 * z + q9;
  }

  /** Chooses the collapse point of edge a–b into px, py, pz; returns its error. */
  edgeError(a: number, b: number): number {
    const q = this.q;
    const A = 10 * a, B = 10 * b;
    const q0 = q[A] + q[B], q1 = q[A + 1] + q[B + 1], q2 = q[A + 2] + q[B + 2], q3 = q[A + 3] + q[B + 3];
    const q4 = q[A + 4] + q[B + 4], q5 = q[A + 5] + q[B + 5], q6 = q[A + 6] + q[B + 6];
    const q7 = q[A + 7] + q[B + 7], q8 = q[A + 8] + q[B + 8];
    // Solve [q0 q1 q2; q1 q4 q5; q2 q5 q7] p = −[q3 q6 q8].
    const c00 = q4 * q7 - q5 * q5, c01 = q2 * q5 - q1 * q7, c02 = q1 * q5 - q2 * q4;
    const det = q0 * c00 + q1 * c01 + q2 * c02;
    const pos = this.pos;
    // Well-conditioned relative to the quadric's size (a flat patch is not).
    const trace = q0 + q4 + q7;
    if (Math.abs(det) > 1e-6 * trace * trace * trace) {
      const c11 = q0 * q7 - q2 * q2, c12 = q1 * q2 - q0 * q5, c22 = q0 * q4 - q1 * q1;
      const inv = -1 / det;
      const x = inv * (c00 * q3 + c01 * q6 + c02 * q8);
      const y = inv * (c01 * q3 + c11 * q6 + c12 * q8);
      const z = inv * (c02 * q3 + c12 * q6 + c22 * q8);
      // Stay near the edge: an optimum far away means the quadric is nearly degenerate.
      const ax = pos[3 * a], ay = pos[3 * a + 1], az = pos[3 * a + 2];
      const bx = pos[3 * b], by = pos[3 * b + 1], bz = pos[3 * b + 2];
      const mx = (ax + bx) / 2, my = (ay + by) / 2, mz = (az + bz) / 2;
      const l2 = (ax - bx) ** 2 + (ay - by) ** 2 + (az - bz) ** 2;
      if ((x - mx) ** 2 + (y - my) ** 2 + (z - mz) ** 2 <= l2) {
        this.px = x; this.py = y; this.pz = z;
        const q9 = q[A + 9] + q[B + 9];
        return q0 * x * x + 2 * q1 * x * y + 2 * q2 * x * z + 2 * q3 * x + q4 * y * y + 2 * q5 * y * z + 2 * q6 * y + q7 * z * z + 2 * q8 * z + q9;
      }
    }
    const ax = pos[3 * a], ay = pos[3 * a + 1], az = pos[3 * a + 2];
    const bx = pos[3 * b], by = pos[3 * b + 1], bz = pos[3 * b + 2];
    const mx = (ax + bx) / 2, my = (ay + by) / 2, mz = (az + bz) / 2;
    const ea = this.error(a, b, ax, ay, az);
    const eb = this.error(a, b, bx, by, bz);
    const em = this.error(a, b, mx, my, mz);
    if (em <= ea && em <= eb) {
      this.px = mx; this.py = my; this.pz = mz;
      return em;
    }
    if (ea <= eb) {
      this.px = ax; this.py = ay; this.pz = az;
      return ea;
    }
    this.px = bx; this.py = by; this.pz = bz;
    return eb;
  }

  /** Edge errors of triangle t; with `around` ≥ 0 only the two edges at that vertex are recomputed (the third's quadrics did not change). */
  computeTriangleErrors(t: number, around = -1): void {
    const tri = this.tri;
    const e = this.triErr;
    for (let j = 0; j < 3; j++) {
      const a = tri[3 * t + j];
      const b = tri[3 * t + ((j + 1) % 3)];
      if (around >= 0 && a !== around && b !== around) continue;
      e[4 * t + j] = this.edgeError(a, b);
      this.triRefused[t] &= ~(1 << j);
    }
    const e0 = e[4 * t], e1 = e[4 * t + 1], e2 = e[4 * t + 2];
    e[4 * t + 3] = e0 < e1 ? (e0 < e2 ? e0 : e2) : e1 < e2 ? e1 : e2;
  }

  tryCollapse(v0: number, v1: number): boolean {
    const { tri, refTri, vStart, vCount, stamp, stamp2, triDeleted } = this;
    // Link condition: exactly two common neighbours, not joined by an edge.
    const tok = ++this.token;
    for (let r = vStart[v0], e = r + vCount[v0]; r < e; r++) {
      const t = refTri[r];
      if (triDeleted[t]) continue;
      stamp[tri[3 * t]] = tok;
      stamp[tri[3 * t + 1]] = tok;
      stamp[tri[3 * t + 2]] = tok;
    }
    let common = 0;
    let o1 = -1;
    let o2 = -1;
    for (let r = vStart[v1], e = r + vCount[v1]; r < e; r++) {
      const t = refTri[r];
      if (triDeleted[t]) continue;
      for (let k = 0; k < 3; k++) {
        const x = tri[3 * t + k];
        if (x === v0 || x === v1 || stamp[x] !== tok || stamp2[x] === tok) continue;
        stamp2[x] = tok;
        common++;
        if (o1 < 0) o1 = x;
        else o2 = x;
      }
    }
    if (common !== 2) return false;
    for (let r = vStart[o1], e = r + vCount[o1]; r < e; r++) {
      const t = refTri[r];
      if (triDeleted[t]) continue;
      if (tri[3 * t] === o2 || tri[3 * t + 1] === o2 || tri[3 * t + 2] === o2) return false;
    }

    this.edgeError(v0, v1);
    const px = this.px, py = this.py, pz = this.pz;
    if (this.flips(v0, v1, px, py, pz) || this.flips(v1, v0, px, py, pz)) return false;
    if (this.preventFolds && this.folds(v0, v1, px, py, pz)) return false;

    // Apply: v0 moves to p and takes v1's triangles; the two triangles on the edge go.
    this.pos[3 * v0] = px;
    this.pos[3 * v0 + 1] = py;
    this.pos[3 * v0 + 2] = pz;
    const q = this.q;
    for (let k = 0; k < 10; k++) q[10 * v0 + k] += q[10 * v1 + k];
    const newStart = this.refLength;
    this.appendRefs(v0, v1, v0);
    this.appendRefs(v1, v0, v0);
    vStart[v0] = newStart;
    vCount[v0] = this.refLength - newStart;
    vCount[v1] = 0;
    for (let r = newStart; r < this.refLength; r++) {
      const t = refTri[r];
      this.triDirty[t] = 1;
      this.computeTriangleErrors(t, v0);
    }
    return true;
  }

  /** Copies `v`'s live triangles that do not contain `other` to the end of the refs, renaming v → keep; deletes those that do. */
  appendRefs(v: number, other: number, keep: number): void {
    const { tri, triDeleted } = this;
    for (let r = this.vStart[v], e = r + this.vCount[v]; r < e; r++) {
      const t = this.refTri[r];
      if (triDeleted[t]) continue;
      const k = this.refCorner[r];
      if (tri[3 * t] === other || tri[3 * t + 1] === other || tri[3 * t + 2] === other) {
        triDeleted[t] = 1;
        this.alive--;
        continue;
      }
      tri[3 * t + k] = keep;
      this.ensureRefCapacity(1);
      this.refTri[this.refLength] = t;
      this.refCorner[this.refLength] = k;
      this.refLength++;
    }
  }

  ensureRefCapacity(extra: number): void {
    if (this.refLength + extra <= this.refTri.length) return;
    const cap = this.refTri.length * 2;
    const t = new Int32Array(cap);
    t.set(this.refTri);
    const c = new Uint8Array(cap);
    c.set(this.refCorner);
    this.refTri = t;
    this.refCorner = c;
  }

  /**
   * Would the collapse fold the surface: a dihedral angle sharper than CREASE_COS between two
   * triangles of the new fan, or between a fan triangle and its neighbour across the fan's rim?
   * Quadric error alone lets thin parts fold onto themselves (self-intersections a slicer
   * rejects); refusing sharp new creases stops most of that.
   */
  folds(v0: number, v1: number, px: number, py: number, pz: number): boolean {
    const { tri, pos, triDeleted } = this;
    const fan = this.fan;
    let n = 0;
    for (let side = 0; side < 2; side++) {
      const v = side === 0 ? v0 : v1;
      const other = side === 0 ? v1 : v0;
      for (let r = this.vStart[v], e = r + this.vCount[v]; r < e; r++) {
        const t = this.refTri[r];
        if (triDeleted[t]) continue;
        const k = this.refCorner[r];
        const a = tri[3 * t + ((k + 1) % 3)];
        const b = tri[3 * t + ((k + 2) % 3)];
        if (a === other || b === other) continue;
        const nn = normal(px, py, pz, pos[3 * a], pos[3 * a + 1], pos[3 * a + 2], pos[3 * b], pos[3 * b + 1], pos[3 * b + 2]);
        if (nn[3] === 0) return true;
        const o = 6 * n;
        fan[o] = nn[0] / nn[3];
        fan[o + 1] = nn[1] / nn[3];
        fan[o + 2] = nn[2] / nn[3];
        fan[o + 3] = a;
        fan[o + 4] = b;
        fan[o + 5] = t;
        n++;
        if (6 * n >= fan.length) return true; // an absurd valence: do not collapse
      }
    }
    for (let i = 0; i < n; i++) {
      const o = 6 * i;
      const b = fan[o + 4];
      // the fan neighbour sharing edge (p, b): the triangle whose a is b
      for (let j = 0; j < n; j++) {
        if (j === i || fan[6 * j + 3] !== b) continue;
        const q = 6 * j;
        if (fan[o] * fan[q] + fan[o + 1] * fan[q + 1] + fan[o + 2] * fan[q + 2] < CREASE_COS) return true;
      }
      // the neighbour across the rim edge (a, b): a live triangle with b then a, not in the fan
      const a = fan[o + 3];
      const t = fan[o + 5];
      for (let r = this.vStart[a], e = r + this.vCount[a]; r < e; r++) {
        const u = this.refTri[r];
        if (u === t || triDeleted[u]) continue;
        const k = this.refCorner[r];
        if (tri[3 * u + ((k + 2) % 3)] !== b) continue; // (…, b, a): corner a is preceded by b
        const c = tri[3 * u + ((k + 1) % 3)];
        if (c === v0 || c === v1) continue;
        const m = normal(pos[3 * a], pos[3 * a + 1], pos[3 * a + 2], pos[3 * c], pos[3 * c + 1], pos[3 * c + 2], pos[3 * b], pos[3 * b + 1], pos[3 * b + 2]);
        if (m[3] === 0) continue;
        if ((fan[o] * m[0] + fan[o + 1] * m[1] + fan[o + 2] * m[2]) / m[3] < CREASE_COS) return true;
      }
    }
    return false;
  }

  /** Would moving `v` to p flip or degenerate one of its triangles that does not contain `other`? */
  flips(v: number, other: number, px: number, py: number, pz: number): boolean {
    const { tri, pos, triDeleted } = this;
    for (let r = this.vStart[v], e = r + this.vCount[v]; r < e; r++) {
      const t = this.refTri[r];
      if (triDeleted[t]) continue;
      const k = this.refCorner[r];
      const a = tri[3 * t + ((k + 1) % 3)];
      const b = tri[3 * t + ((k + 2) % 3)];
      if (a === other || b === other) continue;
      const ax = pos[3 * a], ay = pos[3 * a + 1], az = pos[3 * a + 2];
      const bx = pos[3 * b], by = pos[3 * b + 1], bz = pos[3 * b + 2];
      const vx = pos[3 * v], vy = pos[3 * v + 1], vz = pos[3 * v + 2];
      // old normal (v, a, b) and new normal (p, a, b)
      const n0 = normal(vx, vy, vz, ax, ay, az, bx, by, bz);
      const n1 = normal(px, py, pz, ax, ay, az, bx, by, bz);
      if (n1[3] === 0 || n0[3] === 0) return true;
      const cos = (n0[0] * n1[0] + n0[1] * n1[1] + n0[2] * n1[2]) / (n0[3] * n1[3]);
      if (cos < 0.2) return true;
      // Refuse slivers: the new triangle's smallest height must not vanish.
      const e1 = (ax - px) ** 2 + (ay - py) ** 2 + (az - pz) ** 2;
      const e2 = (bx - px) ** 2 + (by - py) ** 2 + (bz - pz) ** 2;
      const e3 = (bx - ax) ** 2 + (by - ay) ** 2 + (bz - az) ** 2;
      const longest = Math.max(e1, e2, e3);
      if (n1[3] * n1[3] < 1e-6 * longest * longest) return true;
    }
    return false;
  }

  compact(): Mesh {
    const remap = new Int32Array(this.nv).fill(-1);
    let nv = 0;
    let nt = 0;
    for (let t = 0; t < this.nt; t++) {
      if (this.triDeleted[t]) continue;
      nt++;
      for (let k = 0; k < 3; k++) {
        const v = this.tri[3 * t + k];
        if (remap[v] < 0) remap[v] = nv++;
      }
    }
    const positions = new Float32Array(3 * nv);
    for (let v = 0; v < this.nv; v++) {
      const r = remap[v];
      if (r < 0) continue;
      positions[3 * r] = this.pos[3 * v];
      positions[3 * r + 1] = this.pos[3 * v + 1];
      positions[3 * r + 2] = this.pos[3 * v + 2];
    }
    const triangles = new Uint32Array(3 * nt);
    let o = 0;
    for (let t = 0; t < this.nt; t++) {
      if (this.triDeleted[t]) continue;
      triangles[o++] = remap[this.tri[3 * t]];
      triangles[o++] = remap[this.tri[3 * t + 1]];
      triangles[o++] = remap[this.tri[3 * t + 2]];
    }
    return { positions, triangles };
  }
}

/** Cosine of the sharpest dihedral a collapse may create between neighbouring triangles. */
const CREASE_COS = -0.3;

const scratchA = new Float64Array(4);
const scratchB = new Float64Array(4);
let flip = false;

/** Normal (unnormalised) and its length; alternates two scratch buffers. */
function normal(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, x2: number, y2: number, z2: number): Float64Array {
  const out = (flip = !flip) ? scratchA : scratchB;
  const ux = x1 - x0, uy = y1 - y0, uz = z1 - z0;
  const wx = x2 - x0, wy = y2 - y0, wz = z2 - z0;
  out[0] = uy * wz - uz * wy;
  out[1] = uz * wx - ux * wz;
  out[2] = ux * wy - uy * wx;
  out[3] = Math.sqrt(out[0] * out[0] + out[1] * out[1] + out[2] * out[2]);
  return out;
}
