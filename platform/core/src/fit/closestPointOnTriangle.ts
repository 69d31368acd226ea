/**
 * Which feature of a triangle a closest point lies on: its interior, one of its corners, or one
 * of its edges. The sign of a distance is read from the pseudonormal of that feature.
 */
export const TriangleFeature = { Face: 0, VertexA: 1, VertexB: 2, VertexC: 3, EdgeAB: 4, EdgeBC: 5, EdgeCA: 6 } as const;
export type TriangleFeature = (typeof TriangleFeature)[keyof typeof TriangleFeature];

/**
 * Exact closest point on triangle (a, b, c) to p (Ericson, Real-Time Collision Detection §5.1.5:
 * Voronoi regions of the corners, then the edges, then the face), in float64. Writes the point to
 * `out[0..2]` and returns the feature it lies on; the squared distance is `out[3]`. The triangle
 * is read from `tri[o..o+8]` (ax ay az bx by bz cx cy cz). A degenerate triangle still gives a
 * point on it (one of its corners or edges).
 */
export function closestPointOnTriangle(px: number, py: number, pz: number, tri: Float32Array | Float64Array, o: number, out: Float64Array): TriangleFeature {
  const ax = tri[o], ay = tri[o + 1], az = tri[o + 2];
  const bx = tri[o + 3], by = tri[o + 4], bz = tri[o + 5];
  const cx = tri[o + 6], cy = tri[o + 7], cz = tri[o + 8];
  const abx = bx - ax, aby = by - ay, abz = bz - az;
  const acx = cx - ax, acy = cy - ay, acz = cz - az;
  const apx = px - ax, apy = py - ay, apz = pz - az;
  const d1 = abx * apx + aby * apy + abz * apz;
  const d2 = acx * apx + acy * apy + acz * apz;
  let qx: number, qy: number, qz: number;
  let feature: TriangleFeature;
  if (d1 <= 0 && d2 <= 0) {
    qx = ax; qy = ay; qz = az;
    feature = TriangleFeature.VertexA;
  } else {
    const bpx = px - bx, bpy = py - by, bpz = pz - bz;
    const d3 = abx * bpx + aby * bpy + abz * bpz;
    const d4 = acx * bpx + acy * bpy + acz * bpz;
    if (d3 >= 0 && d4 <= d3) {
      qx = bx; qy = by; qz = bz;
      feature = TriangleFeature.VertexB;
    } else {
      const vc = d1 * d4 - d3 * d2;
      if (vc <= 0 && d1 >= 0 && d3 <= 0) {
        const v = d1 / (d1 - d3);
        qx = ax + v * abx; qy = ay + v * aby; qz = az + v * abz;
        feature = TriangleFeature.EdgeAB;
      } else {
        const cpx = px - cx, cpy = py - cy, cpz = pz - cz;
        const d5 = abx * cpx + aby * cpy + abz * cpz;
        const d6 = acx * cpx + acy * cpy + acz * cpz;
        if (d6 >= 0 && d5 <= d6) {
          qx = cx; qy = cy; qz = cz;
          feature = TriangleFeature.VertexC;
        } else {
          const vb = d5 * d2 - d1 * d6;
          if (vb <= 0 && d2 >= 0 && d6 <= 0) {
            const w = d2 / (d2 - d6);
            qx = ax + w * acx; qy = ay + w * acy; qz = az + w * acz;
            feature = TriangleFeature.EdgeCA;
          } else {
            const va = d3 * d6 - d5 * d4;
            if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
              const w = (d4 - d3) / (d4 - d3 + (d5 - d6));
              qx = bx + w * (cx - bx); qy = by + w * (cy - by); qz = bz + w * (cz - bz);
              feature = TriangleFeature.EdgeBC;
            } else {
              const sum = va + vb + vc;
              if (!(sum > 0)) {
                // Degenerate (zero-area) triangle: fall back to the nearest of its three edges.
                return closestOnEdges(px, py, pz, ax, ay, az, bx, by, bz, cx, cy, cz, out);
              }
              const denom = 1 / sum;
              const v = vb * denom, w = vc * denom;
              qx = ax + abx * v + acx * w; qy = ay + aby * v + acy * w; qz = az + abz * v + acz * w;
              feature = TriangleFeature.Face;
            }
          }
        }
      }
    }
  }
  const dx = px - qx, dy = py - qy, dz = pz - qz;
  out[0] = qx;
  out[1] = qy;
  out[2] = qz;
  out[3] = dx * dx + dy * dy + dz * dz;
  return feature;
}

function closestOnSegment(px: number, py: number, pz: number, ax: number, ay: number, az: number, bx: number, by: number, bz: number, out: Float64Array): number {
  const ux = bx - ax, uy = by - ay, uz = bz - az;
  const len2 = ux * ux + uy * uy + uz * uz;
  let s = len2 > 0 ? ((px - ax) * ux + (py - ay) * uy + (pz - az) * uz) / len2 : 0;
  s = s < 0 ? 0 : s > 1 ? 1 : s;
  const qx = ax + s * ux, qy = ay + s * uy, qz = az + s * uz;
  out[0] = qx;
  out[1] = qy;
  out[2] = qz;
  const dx = px - qx, dy = py - qy, dz = pz - qz;
  return (out[3] = dx * dx + dy * dy + dz * dz);
}

function closestOnEdges(px: number, py: number, pz: number, ax: number, ay: number, az: number, bx: number, by: number, bz: number, cx: number, cy: number, cz: number, out: Float64Array): TriangleFeature {
  const tmp = new Float64Array(4);
  let best = closestOnSegment(px, py, pz, ax, ay, az, bx, by, bz, out);
  let feature: TriangleFeature = TriangleFeature.EdgeAB;
  const d2 = closestOnSegment(px, py, pz, bx, by, bz, cx, cy, cz, tmp);
  if (d2 < best) {
    best = d2;
    out.set(tmp);
    feature = TriangleFeature.EdgeBC;
  }
  const d3 = closestOnSegment(px, py, pz, cx, cy, cz, ax, ay, az, tmp);
  if (d3 < best) {
    out.set(tmp);
    feature = TriangleFeature.EdgeCA;
  }
  return feature;
}
