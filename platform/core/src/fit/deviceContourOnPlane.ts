import type { Point3 } from '../geometry/types';
import type { Mesh } from '../mesh/types';
import { checkRigidTransform, transformPositions, type Transform4 } from './transform';

/** A plane in patient space: a point on it and its normal (need not be unit), mm LPS. */
export interface PlaneMm {
  originMm: Point3;
  normal: Point3;
}

/** One piece of a cross-section: points x, y, z (patient mm) in order; closed loops do not repeat the first point. */
export interface ContourPolyline {
  pointsMm: Float32Array;
  closed: boolean;
}

/**
 * The placed device's cross-section with a plane (an MPR slice), as polylines in patient mm: each
 * triangle crossing the plane gives a segment between the points where two of its edges cross,
 * and segments are chained through their shared edges, so a closed device gives closed loops
 * (a tube cut across gives two: its outer wall and its bore). Loops run anticlockwise seen from
 * the side the normal points to, around the device's material. A vertex exactly on the plane
 * counts as on the normal's side, so nothing is cut twice. Empty when the plane misses the device.
 */
export function deviceContourOnPlane(device: Mesh, transform: Transform4, plane: PlaneMm): ContourPolyline[] {
  const T = checkRigidTransform(transform);
  const p = device.positions;
  const tris = device.triangles;
  const nv = p.length / 3;
  const nl = Math.hypot(plane.normal[0], plane.normal[1], plane.normal[2]);
  if (!(nl > 0)) return [];
  const nx = plane.normal[0] / nl, ny = plane.normal[1] / nl, nz = plane.normal[2] / nl;
  // The placed positions, and the signed height of each above the plane.
  const world = transformPositions(T, p);
  const h = new Float64Array(nv);
  for (let v = 0; v < nv; v++) h[v] = (world[3 * v] - plane.originMm[0]) * nx + (world[3 * v + 1] - plane.originMm[1]) * ny + (world[3 * v + 2] - plane.originMm[2]) * nz;
  // Segments from the edge where the triangle goes from above to below (in winding order) to the
  // edge where it comes back up: consistent direction, so each edge starts one segment and ends one.
  const segStart: number[] = []; // edge keys
  const segEnd: number[] = [];
  const pointOfEdge = new Map<number, number[]>();
  const key = (a: number, b: number) => (a < b ? a * nv + b : b * nv + a);
  const cross = (a: number, b: number): number => {
    const k = key(a, b);
    if (!pointOfEdge.has(k)) {
      const s = h[a] / (h[a] - h[b]);
      pointOfEdge.set(k, [
        world[3 * a] + s * (world[3 * b] - world[3 * a]),
        world[3 * a + 1] + s * (world[3 * b + 1] - world[3 * a + 1]),
        world[3 * a + 2] + s * (world[3 * b + 2] - world[3 * a + 2]),
      ]);
    }
    return k;
  };
  for (let t = 0; t < tris.length; t += 3) {
    const v = [tris[t], tris[t + 1], tris[t + 2]];
    const up = v.map(i => h[i] >= 0);
    if (up[0] === up[1] && up[1] === up[2]) continue;
    let down = -1, rise = -1; // edge k goes v[k] → v[k+1]
    for (let k = 0; k < 3; k++) {
      const a = up[k], b = up[(k + 1) % 3];
      if (a && !b) down = k;
      if (!a && b) rise = k;
    }
    segStart.push(cross(v[down], v[(down + 1) % 3]));
    segEnd.push(cross(v[rise], v[(rise + 1) % 3]));
  }
  const byStart = new Map<number, number>();
  segStart.forEach((k, i) => byStart.set(k, i));
  const ends = new Set(segEnd);
  const used = new Uint8Array(segStart.length);
  const out: ContourPolyline[] = [];
  const walk = (first: number) => {
    const pts: number[] = [];
    let i = first;
    let closed = false;
    while (true) {
      used[i] = 1;
      pts.push(...pointOfEdge.get(segStart[i])!);
      const next = byStart.get(segEnd[i]);
      if (next === undefined) {
        pts.push(...pointOfEdge.get(segEnd[i])!);
        break;
      }
      if (next === first) {
        closed = true;
        break;
      }
      if (used[next]) {
        pts.push(...pointOfEdge.get(segEnd[i])!);
        break;
      }
      i = next;
    }
    out.push({ pointsMm: Float32Array.from(pts), closed });
  };
  // Open pieces (a device that is not closed) from their free starts first, then the loops.
  for (let i = 0; i < segStart.length; i++) if (!used[i] && !ends.has(segStart[i])) walk(i);
  for (let i = 0; i < segStart.length; i++) if (!used[i]) walk(i);
  return out;
}
