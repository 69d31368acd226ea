import { closestPointOnTriangle, TriangleFeature } from './closestPointOnTriangle';

/**
 * A bounding-volume hierarchy over a mesh's triangles, in flat typed arrays: built once (median
 * split of triangle centroids along the longest axis, up to `leafSize` triangles per leaf) and
 * queried many times (closest point, all hits along a ray segment, triangles in a box).
 * Coordinates are whatever the mesh's are (mm here); arithmetic is float64.
 */
export interface TriangleBvh {
  nodeCount: number;
  /** Per node: min x, y, z, max x, y, z; float32 rounded outward (half the memory of float64, still conservative). */
  bounds: Float32Array;
  /** Internal node: index of its first child (the second is the next one). Leaf: its first triangle (leaf order). */
  first: Int32Array;
  /** Leaf: number of triangles; internal node: 0. */
  count: Int32Array;
  /** Triangle corners in leaf order, 9 numbers each (ax ay az bx by bz cx cy cz): float32, as a Mesh holds them. */
  tri: Float32Array;
  /** The mesh's triangle index of each leaf-order triangle. */
  triIndex: Uint32Array;
  /** Per leaf-order triangle: unit normal and offset (n · x = d), for a quick distance-to-plane rejection; 0 0 0 0 when degenerate. */
  planes: Float64Array;
  /**
   * Per node: a slab holding all its triangles, 5 numbers: unit normal (the area-weighted mean of
   * its triangles' normals) and the interval [lo, hi] of n · x over their corners. A second lower
   * bound on the distance besides the box: for a patch of wall at 45° to the axes the box holds
   * much empty space (and reaches towards a point facing the patch) where the slab is a few
   * hundredths of a mm thick. 0 0 0 −∞ +∞ (no bound) when the normals cancel.
   */
  slabs: Float64Array;
  /** Deepest path, root to leaf (sizes the traversal stacks). */
  depth: number;
}

/** Builds the hierarchy over `triangles` (3 vertex indices each) of `positions` (x, y, z each). */
export function buildTriangleBvh(positions: ArrayLike<number>, triangles: ArrayLike<number>, leafSize = 4): TriangleBvh {
  const n = Math.floor(triangles.length / 3);
  const box = new Float64Array(6 * n);
  const cen = new Float64Array(3 * n);
  for (let t = 0; t < n; t++) {
    const a = 3 * triangles[3 * t], b = 3 * triangles[3 * t + 1], c = 3 * triangles[3 * t + 2];
    for (let k = 0; k < 3; k++) {
      const pa = positions[a + k], pb = positions[b + k], pc = positions[c + k];
      const lo = Math.min(pa, pb, pc), hi = Math.max(pa, pb, pc);
      box[6 * t + k] = lo;
      box[6 * t + 3 + k] = hi;
      cen[3 * t + k] = (lo + hi) / 2;
    }
  }
  const order = new Uint32Array(n);
  for (let t = 0; t < n; t++) order[t] = t;
  const maxNodes = Math.max(1, 2 * n);
  const bounds = new Float64Array(6 * maxNodes);
  const first = new Int32Array(maxNodes);
  const count = new Int32Array(maxNodes);
  const rangeStart = new Int32Array(maxNodes);
  const rangeEnd = new Int32Array(maxNodes);
  let nodeCount = 1;
  let depth = 1;
  // Work list: node, start, end, depth.
  const work: number[] = [0, 0, n, 1];
  while (work.length) {
    const d = work.pop()!, end = work.pop()!, start = work.pop()!, node = work.pop()!;
    if (d > depth) depth = d;
    rangeStart[node] = start;
    rangeEnd[node] = end;
    let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
    let cx0 = Infinity, cy0 = Infinity, cz0 = Infinity, cx1 = -Infinity, cy1 = -Infinity, cz1 = -Infinity;
    for (let i = start; i < end; i++) {
      const t = order[i];
      const o = 6 * t;
      if (box[o] < x0) x0 = box[o];
      if (box[o + 1] < y0) y0 = box[o + 1];
      if (box[o + 2] < z0) z0 = box[o + 2];
      if (box[o + 3] > x1) x1 = box[o + 3];
      if (box[o + 4] > y1) y1 = box[o + 4];
      if (box[o + 5] > z1) z1 = box[o + 5];
      const cx = cen[3 * t], cy = cen[3 * t + 1], cz = cen[3 * t + 2];
      if (cx < cx0) cx0 = cx;
      if (cx > cx1) cx1 = cx;
      if (cy < cy0) cy0 = cy;
      if (cy > cy1) cy1 = cy;
      if (cz < cz0) cz0 = cz;
      if (cz > cz1) cz1 = cz;
    }
    const b = 6 * node;
    bounds[b] = x0; bounds[b + 1] = y0; bounds[b + 2] = z0;
    bounds[b + 3] = x1; bounds[b + 4] = y1; bounds[b + 5] = z1;
    if (end - start <= leafSize) {
      first[node] = start;
      count[node] = end - start;
      continue;
    }
    const ex = cx1 - cx0, ey = cy1 - cy0, ez = cz1 - cz0;
    const axis = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2;
    const mid = (start + end) >> 1;
    selectNth(order, cen, axis, start, end - 1, mid);
    const left = nodeCount;
    nodeCount += 2;
    first[node] = left;
    count[node] = 0;
    work.push(left, start, mid, d + 1, left + 1, mid, end, d + 1);
  }
  const tri = new Float32Array(9 * n);
  for (let i = 0; i < n; i++) {
    const t = order[i];
    for (let k = 0; k < 3; k++) {
      const v = 3 * triangles[3 * t + k];
      tri[9 * i + 3 * k] = positions[v];
      tri[9 * i + 3 * k + 1] = positions[v + 1];
      tri[9 * i + 3 * k + 2] = positions[v + 2];
    }
  }
  const planes = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const o = 9 * i;
    const ux = tri[o + 3] - tri[o], uy = tri[o + 4] - tri[o + 1], uz = tri[o + 5] - tri[o + 2];
    const wx = tri[o + 6] - tri[o], wy = tri[o + 7] - tri[o + 1], wz = tri[o + 8] - tri[o + 2];
    const nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
    const len = Math.hypot(nx, ny, nz);
    if (!(len > 0)) continue;
    planes[4 * i] = nx / len;
    planes[4 * i + 1] = ny / len;
    planes[4 * i + 2] = nz / len;
    planes[4 * i + 3] = (nx * tri[o] + ny * tri[o + 1] + nz * tri[o + 2]) / len;
  }
  const slabs = buildSlabs(tri, planes, rangeStart, rangeEnd, nodeCount);
  const bounds32 = new Float32Array(6 * nodeCount);
  for (let i = 0; i < nodeCount; i++)
    for (let k = 0; k < 3; k++) {
      bounds32[6 * i + k] = float32Down(bounds[6 * i + k]);
      bounds32[6 * i + 3 + k] = float32Up(bounds[6 * i + 3 + k]);
    }
  return {
    nodeCount,
    planes,
    slabs,
    bounds: bounds32,
    first: first.slice(0, nodeCount),
    count: count.slice(0, nodeCount),
    tri,
    triIndex: order,
    depth,
  };
}

/**
 * Each node's slab (see TriangleBvh.slabs) from its leaf-order triangle range. The interval is
 * widened by a relative 1e-12 (float64 rounding of the dot products), so it is conservative.
 */
function buildSlabs(tri: Float32Array, planes: Float64Array, rangeStart: Int32Array, rangeEnd: Int32Array, nodeCount: number): Float64Array {
  const slabs = new Float64Array(5 * nodeCount);
  const n = tri.length / 9;
  const area = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = 9 * i;
    const ux = tri[o + 3] - tri[o], uy = tri[o + 4] - tri[o + 1], uz = tri[o + 5] - tri[o + 2];
    const wx = tri[o + 6] - tri[o], wy = tri[o + 7] - tri[o + 1], wz = tri[o + 8] - tri[o + 2];
    area[i] = Math.hypot(uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx);
  }
  for (let node = 0; node < nodeCount; node++) {
    const start = rangeStart[node], end = rangeEnd[node];
    let nx = 0, ny = 0, nz = 0;
    for (let i = start; i < end; i++) {
      nx += area[i] * planes[4 * i];
      ny += area[i] * planes[4 * i + 1];
      nz += area[i] * planes[4 * i + 2];
    }
    const len = Math.hypot(nx, ny, nz);
    const b = 5 * node;
    if (!(len > 0)) {
      slabs[b + 3] = -Infinity;
      slabs[b + 4] = Infinity;
      continue;
    }
    nx /= len;
    ny /= len;
    nz /= len;
    let lo = Infinity, hi = -Infinity, scale = 0;
    for (let i = 9 * start, e = 9 * end; i < e; i += 3) {
      const v = nx * tri[i] + ny * tri[i + 1] + nz * tri[i + 2];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      scale = Math.max(scale, Math.abs(tri[i]), Math.abs(tri[i + 1]), Math.abs(tri[i + 2]));
    }
    const pad = 1e-12 * (scale + 1);
    slabs[b] = nx;
    slabs[b + 1] = ny;
    slabs[b + 2] = nz;
    slabs[b + 3] = lo - pad;
    slabs[b + 4] = hi + pad;
  }
  return slabs;
}

/** The largest float32 ≤ x. */
function float32Down(x: number): number {
  const f = Math.fround(x);
  return f <= x ? f : f - Math.max(Math.abs(f) * 2 ** -23, 2 ** -149);
}

/** The smallest float32 ≥ x. */
function float32Up(x: number): number {
  const f = Math.fround(x);
  return f >= x ? f : f + Math.max(Math.abs(f) * 2 ** -23, 2 ** -149);
}

/** Reorders order[lo..hi] so that order[k] has the k-th smallest centroid along `axis` (quickselect). */
function selectNth(order: Uint32Array, cen: Float64Array, axis: number, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const pivot = cen[3 * order[(lo + hi) >> 1] + axis];
    let i = lo, j = hi;
    while (i <= j) {
      while (cen[3 * order[i] + axis] < pivot) i++;
      while (cen[3 * order[j] + axis] > pivot) j--;
      if (i <= j) {
        const tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * Queries on one hierarchy with their scratch buffers allocated once (one per thread of work;
 * not shared between concurrent callers). Results of the last closest-point query are in the
 * public fields.
 */
export class BvhQuery {
  /** Leaf-order triangle of the last closest point (−1 when nothing was within the bound). */
  tri = -1;
  /** Feature of that triangle the closest point lies on. */
  feature: TriangleFeature = TriangleFeature.Face;
  /** The closest point and its squared distance. */
  x = 0;
  y = 0;
  z = 0;
  d2 = Infinity;
  /** Hits of the last `rayHits` (parameters t, unsorted), and whether one grazed an edge or corner. */
  hits = new Float64Array(64);
  grazed = false;
  /** Work done so far (for benchmarks): nodes visited and exact point–triangle tests, over all queries. */
  nodeVisits = 0;
  triangleTests = 0;
  private readonly stack: Int32Array;
  private readonly stackD: Float64Array;
  private readonly tmp = new Float64Array(4);

  constructor(readonly bvh: TriangleBvh) {
    this.stack = new Int32Array(2 * bvh.depth + 4);
    this.stackD = new Float64Array(2 * bvh.depth + 4);
  }

  /**
   * Closest point of the mesh to p, considering only points nearer than sqrt(maxD2). `hint` is a
   * leaf-order triangle likely to be near (the previous answer for a neighbouring point): its
   * distance bounds the search from the start. With `slackMm` > 0 the search skips parts of the
   * mesh that could be nearer by no more than that, so the distance found may exceed the true one
   * by up to slackMm (near-ties, such as a tube along a tube, are most of the work of proving it
   * exact). Returns the leaf-order triangle, or −1.
   */
  closest(px: number, py: number, pz: number, maxD2 = Infinity, hint = -1, slackMm = 0): number {
    const { bounds, first, count, tri, planes } = this.bvh;
    const tmp = this.tmp;
    let best = maxD2;
    let bestTri = -1;
    let bestFeature: TriangleFeature = TriangleFeature.Face;
    let bx = 0, by = 0, bz = 0;
    if (hint >= 0) {
      const f = closestPointOnTriangle(px, py, pz, tri, 9 * hint, tmp);
      if (tmp[3] < best) {
        best = tmp[3];
        bestTri = hint;
        bestFeature = f;
        bx = tmp[0]; by = tmp[1]; bz = tmp[2];
      }
    }
    if (this.bvh.nodeCount === 0 || tri.length === 0) return this.finish(-1, bestFeature, 0, 0, 0, Infinity);
    // Prune against (√best − slack)²: updated whenever best improves.
    const pruneOf = (b: number): number => {
      if (slackMm <= 0) return b;
      const r = Math.sqrt(b) - slackMm;
      return r > 0 ? r * r : 0;
    };
    let prune = pruneOf(best);
    const stack = this.stack, stackD = this.stackD;
    let sp = 0;
    stack[0] = 0;
    const slabs = this.bvh.slabs;
    stackD[0] = nodeDistance2(bounds, slabs, 0, px, py, pz);
    sp = 1;
    while (sp > 0) {
      sp--;
      const node = stack[sp];
      if (stackD[sp] >= prune) continue;
      this.nodeVisits++;
      const c = count[node];
      if (c > 0) {
        for (let i = first[node], e = i + c; i < e; i++) {
          if (i === hint) continue;
          // No point of the triangle is nearer than its plane (a degenerate one has 0 0 0 0: never rejected here).
          const h = planes[4 * i] * px + planes[4 * i + 1] * py + planes[4 * i + 2] * pz - planes[4 * i + 3];
          if (h * h >= prune) continue;
          this.triangleTests++;
          const f = closestPointOnTriangle(px, py, pz, tri, 9 * i, tmp);
          if (tmp[3] < best) {
            best = tmp[3];
            prune = pruneOf(best);
            bestTri = i;
            bestFeature = f;
            bx = tmp[0]; by = tmp[1]; bz = tmp[2];
          }
        }
        continue;
      }
      const l = first[node], r = l + 1;
      const dl = nodeDistance2(bounds, slabs, l, px, py, pz);
      const dr = nodeDistance2(bounds, slabs, r, px, py, pz);
      // Nearer child on top of the stack, so it is searched first and tightens the bound.
      if (dl <= dr) {
        if (dr < prune) { stack[sp] = r; stackD[sp++] = dr; }
        if (dl < prune) { stack[sp] = l; stackD[sp++] = dl; }
      } else {
        if (dl < prune) { stack[sp] = l; stackD[sp++] = dl; }
        if (dr < prune) { stack[sp] = r; stackD[sp++] = dr; }
      }
    }
    return this.finish(bestTri, bestFeature, bx, by, bz, bestTri >= 0 ? best : Infinity);
  }

  private finish(t: number, f: TriangleFeature, x: number, y: number, z: number, d2: number): number {
    this.tri = t;
    this.feature = f;
    this.x = x;
    this.y = y;
    this.z = z;
    this.d2 = d2;
    return t;
  }

  /**
   * Every crossing of the segment o + t·d, t in [t0, t1], with a triangle (Möller–Trumbore in
   * float64). Returns how many; their t are in `hits[0..n-1]`, unsorted. `grazed` is set when a
   * crossing falls within a relative 1e-9 of a triangle's edge or the segment runs in a
   * triangle's plane: then an edge may have been counted twice or not at all, and the caller
   * should move the ray a little and ask again.
   */
  rayHits(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, t0: number, t1: number): number {
    const { bounds, first, count, tri } = this.bvh;
    this.grazed = false;
    if (tri.length === 0) return 0;
    const ix = 1 / dx, iy = 1 / dy, iz = 1 / dz;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = 0;
    let n = 0;
    while (sp > 0) {
      const node = stack[--sp];
      const b = 6 * node;
      // Slab test of the segment against the node's box.
      let tmin = t0, tmax = t1;
      let ta = (bounds[b] - ox) * ix, tb = (bounds[b + 3] - ox) * ix;
      if (ta > tb) { const s = ta; ta = tb; tb = s; }
      if (ta > tmin) tmin = ta;
      if (tb < tmax) tmax = tb;
      ta = (bounds[b + 1] - oy) * iy; tb = (bounds[b + 4] - oy) * iy;
      if (ta > tb) { const s = ta; ta = tb; tb = s; }
      if (ta > tmin) tmin = ta;
      if (tb < tmax) tmax = tb;
      ta = (bounds[b + 2] - oz) * iz; tb = (bounds[b + 5] - oz) * iz;
      if (ta > tb) { const s = ta; ta = tb; tb = s; }
      if (ta > tmin) tmin = ta;
      if (tb < tmax) tmax = tb;
      // NaN (0 · ∞ for a ray along a box face) leaves tmin/tmax unchanged: conservative.
      if (tmin > tmax) continue;
      const c = count[node];
      if (c === 0) {
        stack[sp++] = first[node];
        stack[sp++] = first[node] + 1;
        continue;
      }
      for (let i = first[node], e = i + c; i < e; i++) {
        const r = rayTriangle(tri, 9 * i, ox, oy, oz, dx, dy, dz, t0, t1);
        if (r === RayTriangle.Miss) continue;
        if (r === RayTriangle.Graze) {
          this.grazed = true;
          continue;
        }
        if (n === this.hits.length) {
          const grown = new Float64Array(2 * n);
          grown.set(this.hits);
          this.hits = grown;
        }
        this.hits[n++] = rayT[0];
      }
    }
    return n;
  }

  /**
   * Calls `visit(leafOrderTriangle)` for every triangle whose leaf's box overlaps the box
   * [x0, x1] × [y0, y1] × [z0, z1] (a superset of the triangles that do).
   */
  inBox(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, visit: (t: number) => void): void {
    const { bounds, first, count } = this.bvh;
    if (this.bvh.tri.length === 0) return;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp];
      const b = 6 * node;
      if (bounds[b] > x1 || bounds[b + 3] < x0 || bounds[b + 1] > y1 || bounds[b + 4] < y0 || bounds[b + 2] > z1 || bounds[b + 5] < z0) continue;
      const c = count[node];
      if (c === 0) {
        stack[sp++] = first[node];
        stack[sp++] = first[node] + 1;
      } else for (let i = first[node], e = i + c; i < e; i++) visit(i);
    }
  }
}

/** What a segment does with a triangle (rayTriangle). */
export const RayTriangle = { Miss: 0, Hit: 1, Graze: 2 } as const;
export type RayTriangle = (typeof RayTriangle)[keyof typeof RayTriangle];

/** The parameter t of rayTriangle's last Hit. */
export const rayT = new Float64Array(1);

/**
 * The segment o + t·d, t in [t0, t1], against the triangle tri[o9..o9+8] (Möller–Trumbore in
 * float64): Hit (t in rayT[0]), Miss, or Graze when the crossing falls within a relative 1e-9 of
 * an edge or the segment lies in the triangle's plane (then an edge may be counted twice or not
 * at all: move the ray and ask again). The one test behind rayHits and the interference
 * integral's scan of a ray grid, so both find the same crossings to the last bit.
 */
export function rayTriangle(tri: Float32Array, o9: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, t0: number, t1: number): RayTriangle {
  const EPS = 1e-9;
  const ax = tri[o9], ay = tri[o9 + 1], az = tri[o9 + 2];
  const e1x = tri[o9 + 3] - ax, e1y = tri[o9 + 4] - ay, e1z = tri[o9 + 5] - az;
  const e2x = tri[o9 + 6] - ax, e2y = tri[o9 + 7] - ay, e2z = tri[o9 + 8] - az;
  const px = dy * e2z - dz * e2y, py = dz * e2x - dx * e2z, pz = dx * e2y - dy * e2x;
  const det = e1x * px + e1y * py + e1z * pz;
  const scale = Math.abs(e1x) + Math.abs(e1y) + Math.abs(e1z) + Math.abs(e2x) + Math.abs(e2y) + Math.abs(e2z);
  if (Math.abs(det) <= 1e-12 * scale * scale) {
    // Parallel to the plane: a hit only if the segment lies in it, which is a graze.
    const sx = ox - ax, sy = oy - ay, sz = oz - az;
    const nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
    const nl = Math.hypot(nx, ny, nz);
    return nl > 0 && Math.abs(sx * nx + sy * ny + sz * nz) <= 1e-9 * nl * scale ? RayTriangle.Graze : RayTriangle.Miss;
  }
  const inv = 1 / det;
  const sx = ox - ax, sy = oy - ay, sz = oz - az;
  const u = (sx * px + sy * py + sz * pz) * inv;
  if (u < -EPS || u > 1 + EPS) return RayTriangle.Miss;
  const qx = sy * e1z - sz * e1y, qy = sz * e1x - sx * e1z, qz = sx * e1y - sy * e1x;
  const v = (dx * qx + dy * qy + dz * qz) * inv;
  if (v < -EPS || u + v > 1 + EPS) return RayTriangle.Miss;
  const t = (e2x * qx + e2y * qy + e2z * qz) * inv;
  if (t < t0 || t > t1) return RayTriangle.Miss;
  if (u < EPS || v < EPS || u + v > 1 - EPS) return RayTriangle.Graze;
  rayT[0] = t;
  return RayTriangle.Hit;
}

/** A lower bound of the squared distance from p to node's triangles: the larger of its box's and its slab's. */
function nodeDistance2(bounds: Float32Array, slabs: Float64Array, node: number, px: number, py: number, pz: number): number {
  const d = boxDistance2(bounds, node, px, py, pz);
  const s = 5 * node;
  const v = slabs[s] * px + slabs[s + 1] * py + slabs[s + 2] * pz;
  const e = v < slabs[s + 3] ? slabs[s + 3] - v : v > slabs[s + 4] ? v - slabs[s + 4] : 0;
  return e * e > d ? e * e : d;
}

/** Squared distance from p to node's box (0 inside). */
function boxDistance2(bounds: Float32Array, node: number, px: number, py: number, pz: number): number {
  const b = 6 * node;
  let d = 0;
  let e = bounds[b] - px;
  if (e > 0) d += e * e;
  else if ((e = px - bounds[b + 3]) > 0) d += e * e;
  e = bounds[b + 1] - py;
  if (e > 0) d += e * e;
  else if ((e = py - bounds[b + 4]) > 0) d += e * e;
  e = bounds[b + 2] - pz;
  if (e > 0) d += e * e;
  else if ((e = pz - bounds[b + 5]) > 0) d += e * e;
  return d;
}
