import type { Mesh } from './types';
import { findRoot, singletons, unite } from './unionFind';

/** What a user checks before printing: size, volume, area, and whether the mesh is closed. */
export interface MeshStats {
  triangles: number;
  vertices: number;
  /** Enclosed volume in millilitres (cm³): signed, positive for outward-facing triangles. */
  volume_mL: number;
  /** Surface area, mm². */
  area_mm2: number;
  /** [xmin, ymin, zmin, xmax, ymax, zmax] in the mesh's frame, mm; all 0 for an empty mesh. */
  bbox_mm: [number, number, number, number, number, number];
  /** Connected components (by shared edges): solids + cavities. */
  parts: number;
  /** Parts enclosing material (positive signed volume: outer surfaces, and islands inside cavities). */
  solids: number;
  /** Parts enclosing a void (negative signed volume: the inner surface of a sealed cavity). */
  cavities: number;
  /** Every edge is shared by exactly two triangles (closed, no edge shared by more than two). */
  watertight: boolean;
  /** Every edge is traversed once in each direction: neighbouring triangles wind consistently. */
  oriented: boolean;
}

export interface MeshTopology {
  watertight: boolean;
  oriented: boolean;
  /** Each vertex's triangles form one fan (no pinched vertices); implies nothing about edges. */
  vertexManifold: boolean;
  /** V − E + F over the referenced vertices. */
  eulerCharacteristic: number;
  parts: number;
  /** Number of edges used by one triangle only (holes). */
  boundaryEdges: number;
  /** Number of edges used by more than two triangles. */
  nonManifoldEdges: number;
}

/** The bounding box [xmin, ymin, zmin, xmax, ymax, zmax] of vertices `from` to `to` (exclusive) of xyz `positions`; ±Infinity when empty. */
export function positionsBox(positions: ArrayLike<number>, from = 0, to = positions.length / 3): [number, number, number, number, number, number] {
  const p = positions;
  let xmin = Infinity, ymin = Infinity, zmin = Infinity, xmax = -Infinity, ymax = -Infinity, zmax = -Infinity;
  for (let v = 3 * from, e = 3 * to; v < e; v += 3) {
    const x = p[v], y = p[v + 1], z = p[v + 2];
    if (x < xmin) xmin = x;
    if (x > xmax) xmax = x;
    if (y < ymin) ymin = y;
    if (y > ymax) ymax = y;
    if (z < zmin) zmin = z;
    if (z > zmax) zmax = z;
  }
  return [xmin, ymin, zmin, xmax, ymax, zmax];
}

/** Volume (mL), area (mm²) and bounding box (mm) of a mesh. */
export function meshMeasures(mesh: Mesh): Pick<MeshStats, 'volume_mL' | 'area_mm2' | 'bbox_mm'> {
  const p = mesh.positions;
  const t = mesh.triangles;
  const [xmin, ymin, zmin, xmax, ymax, zmax] = positionsBox(p);
  if (p.length === 0 || t.length === 0) return { volume_mL: 0, area_mm2: 0, bbox_mm: [0, 0, 0, 0, 0, 0] };
  // Signed tetrahedra against the box centre keeps the sums well-conditioned far from the origin.
  const cx = (xmin + xmax) / 2, cy = (ymin + ymax) / 2, cz = (zmin + zmax) / 2;
  let six = 0;
  let twiceArea = 0;
  for (let i = 0; i < t.length; i += 3) {
    const a = 3 * t[i], b = 3 * t[i + 1], c = 3 * t[i + 2];
    const ax = p[a] - cx, ay = p[a + 1] - cy, az = p[a + 2] - cz;
    const bx = p[b] - cx, by = p[b + 1] - cy, bz = p[b + 2] - cz;
    const qx = p[c] - cx, qy = p[c + 1] - cy, qz = p[c + 2] - cz;
    six += ax * (by * qz - bz * qy) - ay * (bx * qz - bz * qx) + az * (bx * qy - by * qx);
    const ux = bx - ax, uy = by - ay, uz = bz - az;
    const wx = qx - ax, wy = qy - ay, wz = qz - az;
    const nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
    twiceArea += Math.sqrt(nx * nx + ny * ny + nz * nz);
  }
  return { volume_mL: six / 6 / 1000, area_mm2: twiceArea / 2, bbox_mm: [xmin, ymin, zmin, xmax, ymax, zmax] };
}

/**
 * Edge and vertex topology from sorted edge keys (typed arrays only): watertight, oriented,
 * vertex-manifold, Euler characteristic and parts.
 */
export function meshTopology(mesh: Mesh): MeshTopology {
  return { ...edgeTopology(mesh), parts: meshParts(mesh).parts, vertexManifold: checkVertexFans(mesh.triangles, mesh.positions.length / 3) };
}

/** meshTopology without the parts and the vertex-fan check (which meshStats does not report). */
function edgeTopology(mesh: Mesh): Omit<MeshTopology, 'vertexManifold' | 'parts'> {
  const t = mesh.triangles;
  const nv = mesh.positions.length / 3;
  const nt = t.length / 3;
  // Outgoing half-edges a → b per vertex (CSR). Vertex degrees are small, so counting a → b
  // and b → a by scanning two short lists is cheaper than sorting edge keys, and needs a quarter
  // of the memory (this runs on every export, on meshes of millions of triangles).
  const start = new Int32Array(nv + 1);
  for (let i = 0; i < t.length; i++) start[t[i] + 1]++;
  for (let v = 0; v < nv; v++) start[v + 1] += start[v];
  const fill = start.slice(0, nv);
  const to = new Int32Array(t.length);
  for (let i = 0; i < t.length; i += 3) {
    const a = t[i], b = t[i + 1], c = t[i + 2];
    to[fill[a]++] = b;
    to[fill[b]++] = c;
    to[fill[c]++] = a;
  }
  let edges = 0;
  let boundaryEdges = 0;
  let nonManifoldEdges = 0;
  let oriented = true;
  for (let a = 0; a < nv; a++) {
    const s0 = start[a], s1 = start[a + 1];
    for (let p = s0; p < s1; p++) {
      const b = to[p];
      let first = true;
      let same = 0;
      for (let q = s0; q < s1; q++) {
        if (to[q] !== b) continue;
        if (q < p) first = false;
        same++;
      }
      if (!first) continue; // this a → b was looked at already
      let reverse = 0;
      for (let q = start[b], e = start[b + 1]; q < e; q++) if (to[q] === a) reverse++;
      if (same > 1 || reverse !== 1) oriented = false;
      // Count the undirected edge once: from its smaller end when that end has it outgoing.
      if (a < b || reverse === 0) {
        edges++;
        const n = same + reverse;
        if (n === 1) boundaryEdges++;
        else if (n > 2) nonManifoldEdges++;
      }
    }
  }
  const watertight = boundaryEdges === 0 && nonManifoldEdges === 0;

  let usedVertices = 0;
  const used = new Uint8Array(nv);
  for (let i = 0; i < t.length; i++) used[t[i]] = 1;
  for (let v = 0; v < nv; v++) usedVertices += used[v];
  return {
    watertight,
    oriented: oriented && watertight,
    eulerCharacteristic: usedVertices - edges + nt,
    boundaryEdges,
    nonManifoldEdges,
  };
}

/** The edge counts of meshTopology for the edges seen from vertices v0..v1−1 (see edgeCountsOf). */
export interface EdgeCounts {
  edges: number;
  boundaryEdges: number;
  nonManifoldEdges: number;
  /** Every directed edge from these vertices is used once and its reverse once. */
  oriented: boolean;
}

/**
 * meshTopology's edge checks for the edges it counts at vertices v0..v1−1, from the triangles
 * alone: threads each take a vertex range and `joinEdgeCounts` adds them up to exactly what
 * meshTopology finds (each undirected edge is counted at one end only, the same end).
 */
export function edgeCountsOf(t: Uint32Array, v0: number, v1: number): EdgeCounts {
  const m = v1 - v0;
  // For each vertex a of the range: the far ends of its outgoing (a → b) and incoming (c → a)
  // half-edges, from each triangle (a, b, c) that uses it, as (b, c) pairs.
  const count = new Int32Array(m + 1);
  for (let i = 0; i < t.length; i++) {
    const v = t[i];
    if (v >= v0 && v < v1) count[v - v0 + 1] += 2;
  }
  for (let v = 0; v < m; v++) count[v + 1] += count[v];
  const fill = count.slice(0, m);
  const raw = new Int32Array(count[m]);
  for (let i = 0; i < t.length; i += 3) {
    const a = t[i], b = t[i + 1], c = t[i + 2];
    if (a >= v0 && a < v1) { raw[fill[a - v0]++] = b; raw[fill[a - v0]++] = c; }
    if (b >= v0 && b < v1) { raw[fill[b - v0]++] = c; raw[fill[b - v0]++] = a; }
    if (c >= v0 && c < v1) { raw[fill[c - v0]++] = a; raw[fill[c - v0]++] = b; }
  }
  return edgeCountsOfIncidences(raw, count, v0, v1);
}

/**
 * edgeCountsOf from the incidences already gathered: for vertex v0 + i, raw[count[i] ..
 * count[i + 1]) holds (outgoing far end, incoming far end) pairs, one per triangle using it, in
 * triangle order (as smoothing's neighbour pass gathers them: one pass serves both).
 * `idBound`: every far end is below it, when the caller knows (else found from raw).
 */
export function edgeCountsOfIncidences(raw: Int32Array, count: Int32Array, v0: number, v1: number, idBound?: number): EdgeCounts {
  let edges = 0;
  let boundaryEdges = 0;
  let nonManifoldEdges = 0;
  let oriented = true;
  // Per far end b of vertex a: how often a → b and b → a are used, tallied and cleared per
  // vertex, so each vertex costs a few passes over its incidences.
  let bound = idBound ?? 0;
  if (idBound === undefined) for (let i = 0; i < raw.length; i++) if (raw[i] >= bound) bound = raw[i] + 1;
  const out = new Int32Array(bound);
  const back = new Int32Array(bound);
  for (let a = v0; a < v1; a++) {
    const s0 = count[a - v0], s1 = count[a - v0 + 1];
    for (let q = s0; q < s1; q += 2) {
      out[raw[q]]++;
      back[raw[q + 1]]++;
    }
    for (let p = s0; p < s1; p += 2) {
      const b = raw[p];
      const same = out[b];
      if (same < 0) continue; // this a → b was looked at already
      const reverse = back[b];
      out[b] = -1;
      if (same > 1 || reverse !== 1) oriented = false;
      if (a < b || reverse === 0) {
        edges++;
        const n = same + reverse;
        if (n === 1) boundaryEdges++;
        else if (n > 2) nonManifoldEdges++;
      }
    }
    for (let q = s0; q < s1; q += 2) {
      out[raw[q]] = 0;
      back[raw[q + 1]] = 0;
    }
  }
  return { edges, boundaryEdges, nonManifoldEdges, oriented };
}

/** Adds up ranges' EdgeCounts. */
export function joinEdgeCounts(parts: readonly EdgeCounts[]): EdgeCounts {
  return parts.reduce((s, p) => ({ edges: s.edges + p.edges, boundaryEdges: s.boundaryEdges + p.boundaryEdges, nonManifoldEdges: s.nonManifoldEdges + p.nonManifoldEdges, oriented: s.oriented && p.oriented }), { edges: 0, boundaryEdges: 0, nonManifoldEdges: 0, oriented: true });
}

/** What meshStats reports of the edges, when it is already known (found by threads). */
export type KnownTopology = Pick<MeshStats, 'watertight' | 'oriented'>;

/** KnownTopology from edge counts: the same rules as meshTopology. */
export function topologyFrom(edges: EdgeCounts): KnownTopology {
  const watertight = edges.boundaryEdges === 0 && edges.nonManifoldEdges === 0;
  return { watertight, oriented: edges.oriented && watertight };
}

/**
 * The parts of a mesh (connected by shared vertices of its triangles) and, per part, its signed
 * volume in mL: positive for a surface facing out of material (a solid), negative for one facing
 * into a void (a sealed cavity). Meaningful for closed, oriented meshes.
 */
export function meshParts(mesh: Mesh): { parts: number; volumesMl: Float64Array } {
  const p = mesh.positions;
  const t = mesh.triangles;
  const nv = p.length / 3;
  const parent = singletons(new Int32Array(nv));
  for (let i = 0; i < t.length; i += 3) {
    unite(parent, t[i], t[i + 1]);
    unite(parent, t[i], t[i + 2]);
  }
  const partOf = new Int32Array(nv).fill(-1);
  let parts = 0;
  for (let i = 0; i < t.length; i++) {
    const root = findRoot(parent, t[i]);
    if (partOf[root] < 0) partOf[root] = parts++;
  }
  // Signed tetrahedra against one point per part (its first vertex) keep the sums well-conditioned.
  const volumes = new Float64Array(parts);
  const anchor = new Int32Array(parts).fill(-1);
  for (let i = 0; i < t.length; i += 3) {
    const part = partOf[findRoot(parent, t[i])];
    if (anchor[part] < 0) anchor[part] = t[i];
    const o = 3 * anchor[part];
    const a = 3 * t[i], b = 3 * t[i + 1], c = 3 * t[i + 2];
    const ax = p[a] - p[o], ay = p[a + 1] - p[o + 1], az = p[a + 2] - p[o + 2];
    const bx = p[b] - p[o], by = p[b + 1] - p[o + 1], bz = p[b + 2] - p[o + 2];
    const qx = p[c] - p[o], qy = p[c + 1] - p[o + 1], qz = p[c + 2] - p[o + 2];
    volumes[part] += ax * (by * qz - bz * qy) - ay * (bx * qz - bz * qx) + az * (bx * qy - by * qx);
  }
  for (let q = 0; q < parts; q++) volumes[q] /= 6000;
  return { parts, volumesMl: volumes };
}

/** Triangles, measures, parts (solids and cavities), watertight and oriented: the numbers shown before saving. */
export function meshStats(mesh: Mesh, known?: KnownTopology): MeshStats {
  const { parts, volumesMl } = meshParts(mesh);
  const topo = known ?? edgeTopology(mesh);
  let solids = 0;
  for (const v of volumesMl) if (v > 0) solids++;
  return {
    triangles: mesh.triangles.length / 3,
    vertices: mesh.positions.length / 3,
    ...meshMeasures(mesh),
    parts,
    solids,
    cavities: parts - solids,
    watertight: topo.watertight,
    oriented: topo.oriented,
  };
}

/**
 * Each vertex's incident triangles, linked through their shared edges, must form a single fan.
 * Union–find over (vertex, triangle) incidences joined when two triangles share an edge at that
 * vertex; a vertex is pinched when its incidences fall into more than one group.
 */
function checkVertexFans(t: Uint32Array, nv: number): boolean {
  // CSR of vertex → incident triangle corners.
  const start = new Int32Array(nv + 1);
  for (let i = 0; i < t.length; i++) start[t[i] + 1]++;
  for (let v = 0; v < nv; v++) start[v + 1] += start[v];
  const fill = start.slice(0, nv);
  const corner = new Int32Array(t.length);
  for (let i = 0; i < t.length; i++) corner[fill[t[i]]++] = i;
  const group = new Int32Array(t.length);
  for (let v = 0; v < nv; v++) {
    const s = start[v];
    const e = start[v + 1];
    if (e - s <= 1) continue;
    singletons(group, s, e);
    // Join incidences whose triangles share another vertex (i.e. an edge at v).
    for (let a = s; a < e; a++) {
      const ta = (corner[a] / 3) | 0;
      for (let b = a + 1; b < e; b++) {
        const tb = (corner[b] / 3) | 0;
        if (sharesOther(t, ta, tb, v)) unite(group, a, b);
      }
    }
    const root = findRoot(group, s);
    for (let a = s + 1; a < e; a++) if (findRoot(group, a) !== root) return false;
  }
  return true;
}

function sharesOther(t: Uint32Array, ta: number, tb: number, v: number): boolean {
  for (let i = 0; i < 3; i++) {
    const x = t[3 * ta + i];
    if (x === v) continue;
    if (t[3 * tb] === x || t[3 * tb + 1] === x || t[3 * tb + 2] === x) return true;
  }
  return false;
}
