import type { Mesh } from '../src/mesh/types';

/**
 * Pairs of triangles that share no vertex yet cross each other (an edge of one passes through
 * the other), found through a uniform grid. For tests: a slicer chokes on a self-intersecting
 * model even when it is closed and manifold. Coplanar overlaps are not detected.
 */
export function selfIntersections(mesh: Mesh, limit = 10): Array<[number, number]> {
  const p = mesh.positions;
  const t = mesh.triangles;
  const nt = t.length / 3;
  if (nt === 0) return [];
  let edgeSum = 0;
  for (let i = 0; i < nt; i++) {
    const a = 3 * t[3 * i], b = 3 * t[3 * i + 1];
    edgeSum += Math.hypot(p[a] - p[b], p[a + 1] - p[b + 1], p[a + 2] - p[b + 2]);
  }
  const cell = (2 * edgeSum) / nt || 1;
  const grid = new Map<number, number[]>();
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  const box = (i: number) => {
    for (let d = 0; d < 3; d++) {
      const x0 = p[3 * t[3 * i] + d], x1 = p[3 * t[3 * i + 1] + d], x2 = p[3 * t[3 * i + 2] + d];
      lo[d] = Math.min(x0, x1, x2);
      hi[d] = Math.max(x0, x1, x2);
    }
  };
  for (let i = 0; i < nt; i++) {
    box(i);
    for (let x = Math.floor(lo[0] / cell); x <= Math.floor(hi[0] / cell); x++)
      for (let y = Math.floor(lo[1] / cell); y <= Math.floor(hi[1] / cell); y++)
        for (let z = Math.floor(lo[2] / cell); z <= Math.floor(hi[2] / cell); z++) {
          const key = (x + 4096) + 8192 * ((y + 4096) + 8192 * (z + 4096));
          const list = grid.get(key);
          if (list) list.push(i);
          else grid.set(key, [i]);
        }
  }
  const found: Array<[number, number]> = [];
  const seen = new Set<number>();
  for (const list of grid.values()) {
    for (let a = 0; a < list.length; a++)
      for (let b = a + 1; b < list.length; b++) {
        const i = Math.min(list[a], list[b]);
        const j = Math.max(list[a], list[b]);
        const key = i * nt + j;
        if (seen.has(key)) continue;
        seen.add(key);
        if (sharesVertex(t, i, j)) continue;
        if (crosses(p, t, i, j) || crosses(p, t, j, i)) {
          found.push([i, j]);
          if (found.length >= limit) return found;
        }
      }
  }
  return found;
}

function sharesVertex(t: Uint32Array, i: number, j: number): boolean {
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) if (t[3 * i + a] === t[3 * j + b]) return true;
  return false;
}

/** Does an edge of triangle i pass through triangle j (Möller–Trumbore, strictly inside)? */
function crosses(p: Float32Array, t: Uint32Array, i: number, j: number): boolean {
  const v0 = 3 * t[3 * j], v1 = 3 * t[3 * j + 1], v2 = 3 * t[3 * j + 2];
  const e1 = [p[v1] - p[v0], p[v1 + 1] - p[v0 + 1], p[v1 + 2] - p[v0 + 2]];
  const e2 = [p[v2] - p[v0], p[v2 + 1] - p[v0 + 1], p[v2 + 2] - p[v0 + 2]];
  for (let e = 0; e < 3; e++) {
    const a = 3 * t[3 * i + e];
    const b = 3 * t[3 * i + ((e + 1) % 3)];
    const o = [p[a], p[a + 1], p[a + 2]];
    const d = [p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]];
    const h = [d[1] * e2[2] - d[2] * e2[1], d[2] * e2[0] - d[0] * e2[2], d[0] * e2[1] - d[1] * e2[0]];
    const det = e1[0] * h[0] + e1[1] * h[1] + e1[2] * h[2];
    if (Math.abs(det) < 1e-12) continue;
    const inv = 1 / det;
    const s = [o[0] - p[v0], o[1] - p[v0 + 1], o[2] - p[v0 + 2]];
    const u = inv * (s[0] * h[0] + s[1] * h[1] + s[2] * h[2]);
    if (u <= 1e-9 || u >= 1 - 1e-9) continue;
    const q = [s[1] * e1[2] - s[2] * e1[1], s[2] * e1[0] - s[0] * e1[2], s[0] * e1[1] - s[1] * e1[0]];
    const v = inv * (d[0] * q[0] + d[1] * q[1] + d[2] * q[2]);
    if (v <= 1e-9 || u + v >= 1 - 1e-9) continue;
    const tt = inv * (e2[0] * q[0] + e2[1] * q[1] + e2[2] * q[2]);
    if (tt > 1e-9 && tt < 1 - 1e-9) return true;
  }
  return false;
}
