import { ImageStackError } from '../errors';
import type { Mesh } from '../mesh/types';
import { TriangleFeature } from './closestPointOnTriangle';
import { BvhQuery, buildTriangleBvh, type TriangleBvh } from './triangleBvh';

/**
 * A mesh made ready for distance and inside/outside queries: its triangle hierarchy and its
 * pseudonormals, built once (prepareAnatomy for the lumen, prepareDevice for a device in its own
 * frame) and reused for every placement. Holds scratch buffers: use one handle per thread.
 */
export interface PreparedMesh {
  readonly mesh: Mesh;
  readonly bvh: TriangleBvh;
  /** Every edge in exactly two triangles, traversed once each way: inside/outside is well defined. */
  readonly closed: boolean;
  /** +1 when the triangles face outward (positive enclosed volume), −1 when inward. */
  readonly orientation: 1 | -1;
  /** Enclosed volume, mm³ (|signed volume|). */
  readonly volumeMm3: number;
  /** [xmin, ymin, zmin, xmax, ymax, zmax] of the vertices, mm. */
  readonly bboxMm: [number, number, number, number, number, number];
  /** Longest triangle edge, mm. */
  readonly maxEdgeMm: number;
  /** Per leaf-order triangle: 12 numbers, its face normal then the edge pseudonormals of AB, BC, CA. */
  readonly featureNormals: Float64Array;
  /** Per vertex: the angle-weighted pseudonormal (Bærentzen & Aanæs), x y z. */
  readonly vertexNormals: Float64Array;
  /** Vertex indices of each leaf-order triangle. */
  readonly leafTriangles: Uint32Array;
  /** 1 for each vertex some triangle uses (others get no distance). */
  readonly usedVertices: Uint8Array;
  /** Query scratch for this mesh. */
  readonly query: BvhQuery;
  /** A second query object, for the inside test while `query` holds a result. */
  readonly probe: BvhQuery;
}

/** Prepares the anatomy (a closed lumen surface, patient mm). Build once per segment; reuse for every placement. */
export function prepareAnatomy(mesh: Mesh): PreparedMesh {
  return prepareMesh(mesh, 'anatomy');
}

/** Prepares a device in its own frame (mm). Build once per device; reuse for every placement. */
export function prepareDevice(mesh: Mesh): PreparedMesh {
  return prepareMesh(mesh, 'device');
}

function prepareMesh(mesh: Mesh, what: string): PreparedMesh {
  const p = mesh.positions;
  const t = mesh.triangles;
  const nv = p.length / 3;
  const nt = t.length / 3;
  if (nt === 0) throw new ImageStackError('empty', `the ${what} mesh has no triangles`);
  for (let i = 0; i < t.length; i++) if (t[i] >= nv) throw new Error(`fit: ${what} triangle ${Math.floor(i / 3)} names vertex ${t[i]} of ${nv}`);
  const bvh = buildTriangleBvh(p, t);
  const bbox: [number, number, number, number, number, number] = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  for (let v = 0; v < nv; v++)
    for (let k = 0; k < 3; k++) {
      const x = p[3 * v + k];
      if (x < bbox[k]) bbox[k] = x;
      if (x > bbox[k + 3]) bbox[k + 3] = x;
    }

  // Face normals (unit, zero for a degenerate triangle), volume, longest edge, vertex pseudonormals.
  const face = new Float64Array(3 * nt);
  const vertexNormals = new Float64Array(3 * nv);
  let six = 0;
  let maxEdge2 = 0;
  for (let f = 0; f < nt; f++) {
    const ia = t[3 * f], ib = t[3 * f + 1], ic = t[3 * f + 2];
    const ax = p[3 * ia], ay = p[3 * ia + 1], az = p[3 * ia + 2];
    const bx = p[3 * ib], by = p[3 * ib + 1], bz = p[3 * ib + 2];
    const cx = p[3 * ic], cy = p[3 * ic + 1], cz = p[3 * ic + 2];
    const ux = bx - ax, uy = by - ay, uz = bz - az;
    const wx = cx - ax, wy = cy - ay, wz = cz - az;
    const nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
    six += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
    const len = Math.hypot(nx, ny, nz);
    if (len > 0) {
      face[3 * f] = nx / len;
      face[3 * f + 1] = ny / len;
      face[3 * f + 2] = nz / len;
    }
    const eab = ux * ux + uy * uy + uz * uz;
    const eca = wx * wx + wy * wy + wz * wz;
    const ebc = (cx - bx) ** 2 + (cy - by) ** 2 + (cz - bz) ** 2;
    maxEdge2 = Math.max(maxEdge2, eab, eca, ebc);
    if (len === 0) continue;
    // Corner angles weight the face normal at each vertex.
    const angA = angle(ux, uy, uz, wx, wy, wz);
    const angB = angle(ax - bx, ay - by, az - bz, cx - bx, cy - by, cz - bz);
    const angC = Math.max(0, Math.PI - angA - angB);
    for (const [v, w] of [[ia, angA], [ib, angB], [ic, angC]] as const) {
      vertexNormals[3 * v] += w * face[3 * f];
      vertexNormals[3 * v + 1] += w * face[3 * f + 1];
      vertexNormals[3 * v + 2] += w * face[3 * f + 2];
    }
  }

  // Half-edges a → b per vertex (CSR), to find the triangle across each edge and check closure.
  const start = new Int32Array(nv + 1);
  for (let i = 0; i < t.length; i++) start[t[i] + 1]++;
  for (let v = 0; v < nv; v++) start[v + 1] += start[v];
  const fill = start.slice(0, nv);
  const to = new Int32Array(t.length);
  const of = new Int32Array(t.length);
  for (let f = 0; f < nt; f++)
    for (let k = 0; k < 3; k++) {
      const a = t[3 * f + k], b = t[3 * f + ((k + 1) % 3)];
      to[fill[a]] = b;
      of[fill[a]++] = f;
    }
  let closed = true;
  /** The triangle holding b → a, or −1 (and not closed) when there is not exactly one, or a → b is doubled. */
  const across = (a: number, b: number): number => {
    let found = -1;
    let n = 0;
    for (let q = start[b], e = start[b + 1]; q < e; q++) if (to[q] === a) { found = of[q]; n++; }
    let same = 0;
    for (let q = start[a], e = start[a + 1]; q < e; q++) if (to[q] === b) same++;
    if (n !== 1 || same !== 1) closed = false;
    return n >= 1 ? found : -1;
  };
  const featureNormals = new Float64Array(12 * nt);
  const leafTriangles = new Uint32Array(3 * nt);
  for (let i = 0; i < nt; i++) {
    const f = bvh.triIndex[i];
    const o = 12 * i;
    featureNormals[o] = face[3 * f];
    featureNormals[o + 1] = face[3 * f + 1];
    featureNormals[o + 2] = face[3 * f + 2];
    for (let k = 0; k < 3; k++) {
      const a = t[3 * f + k], b = t[3 * f + ((k + 1) % 3)];
      leafTriangles[3 * i + k] = a;
      const g = across(a, b);
      const e = o + 3 + 3 * k;
      featureNormals[e] = face[3 * f] + (g >= 0 ? face[3 * g] : 0);
      featureNormals[e + 1] = face[3 * f + 1] + (g >= 0 ? face[3 * g + 1] : 0);
      featureNormals[e + 2] = face[3 * f + 2] + (g >= 0 ? face[3 * g + 2] : 0);
    }
  }
  const usedVertices = new Uint8Array(nv);
  for (let i = 0; i < t.length; i++) usedVertices[t[i]] = 1;
  return {
    mesh,
    bvh,
    usedVertices,
    closed,
    orientation: six < 0 ? -1 : 1,
    volumeMm3: Math.abs(six) / 6,
    bboxMm: bbox,
    maxEdgeMm: Math.sqrt(maxEdge2),
    featureNormals,
    vertexNormals,
    leafTriangles,
    query: new BvhQuery(bvh),
    probe: new BvhQuery(bvh),
  };
}

function angle(ux: number, uy: number, uz: number, wx: number, wy: number, wz: number): number {
  const cx = uy * wz - uz * wy, cy = uz * wx - ux * wz, cz = ux * wy - uy * wx;
  return Math.atan2(Math.hypot(cx, cy, cz), ux * wx + uy * wy + uz * wz);
}

/**
 * Whether p lies outside the closed mesh, from the closest point `query` just found (its triangle,
 * feature and point): the sign of (p − closest) · the pseudonormal of that feature, which for a
 * closed, oriented, manifold mesh is exact (Bærentzen & Aanæs 2005). For a mesh that is not closed
 * it falls back to ray parity. Returns +1 outside, −1 inside, 0 on the surface.
 */
export function sideOfClosest(m: PreparedMesh, q: BvhQuery, px: number, py: number, pz: number): -1 | 0 | 1 {
  if (q.tri < 0) return 1;
  if (q.d2 === 0) return 0;
  if (!m.closed) return rayParitySide(m, px, py, pz);
  const f = q.feature;
  let nx: number, ny: number, nz: number;
  if (f === TriangleFeature.Face) {
    const o = 12 * q.tri;
    nx = m.featureNormals[o]; ny = m.featureNormals[o + 1]; nz = m.featureNormals[o + 2];
  } else if (f >= TriangleFeature.EdgeAB) {
    const o = 12 * q.tri + 3 + 3 * (f - TriangleFeature.EdgeAB);
    nx = m.featureNormals[o]; ny = m.featureNormals[o + 1]; nz = m.featureNormals[o + 2];
  } else {
    const v = m.leafTriangles[3 * q.tri + (f - TriangleFeature.VertexA)];
    nx = m.vertexNormals[3 * v]; ny = m.vertexNormals[3 * v + 1]; nz = m.vertexNormals[3 * v + 2];
  }
  const s = ((px - q.x) * nx + (py - q.y) * ny + (pz - q.z) * nz) * m.orientation;
  return s > 0 ? 1 : s < 0 ? -1 : rayParitySide(m, px, py, pz);
}

// Three fixed directions far from the axes (so they rarely run along a voxel mesh's faces).
const RAY_DIRECTIONS = [
  [0.5773502691896258, 0.5773502691896257, 0.5773502691896258],
  [-0.26726124191242434, 0.5345224838248487, 0.8017837257372732],
  [0.8164965809277261, -0.4082482904638631, 0.4082482904638631],
];

/**
 * Inside/outside by ray parity: crossings of three rays from p to beyond the mesh's box, majority
 * vote, each ray nudged and recast when it grazes an edge. The fallback for meshes that are not
 * closed (where no answer is exact). +1 outside, −1 inside.
 */
export function rayParitySide(m: PreparedMesh, px: number, py: number, pz: number): -1 | 1 {
  const b = m.bboxMm;
  const reach = Math.hypot(b[3] - b[0], b[4] - b[1], b[5] - b[2]) + Math.abs(px - b[0]) + Math.abs(py - b[1]) + Math.abs(pz - b[2]) + 1;
  let insideVotes = 0;
  for (let r = 0; r < 3; r++) {
    let [dx, dy, dz] = RAY_DIRECTIONS[r];
    let n = 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      n = m.probe.rayHits(px, py, pz, dx, dy, dz, 0, reach);
      if (!m.probe.grazed) break;
      dx += 0.01 * (attempt + 1);
      dy -= 0.007 * (attempt + 1);
      const l = Math.hypot(dx, dy, dz);
      dx /= l; dy /= l; dz /= l;
    }
    if (n % 2 === 1) insideVotes++;
  }
  return insideVotes >= 2 ? -1 : 1;
}

/** Whether p is outside the mesh (+1), inside (−1) or on it (0), by a closest-point query on `m.probe`. */
export function sideOfPoint(m: PreparedMesh, px: number, py: number, pz: number, hint = -1): -1 | 0 | 1 {
  m.probe.closest(px, py, pz, Infinity, hint);
  return sideOfClosest(m, m.probe, px, py, pz);
}
