import type { Mesh } from './types';

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
  /** Connected components (by shared edges). */
  parts: number;
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

/** Volume (mL), area (mm²) and bounding box (mm) of a mesh. */
export function meshMeasures(mesh: Mesh): Pick<MeshStats, 'volume_mL' | 'area_mm2' | 'bbox_mm'> {
  const p = mesh.positions;
  const t = mesh.triangles;
  let xmin = Infinity, ymin = Infinity, zmin = Infinity, xmax = -Infinity, ymax = -Infinity, zmax = -Infinity;
  for (let v = 0; v < p.length; v += 3) {
    const x = p[v], y = p[v + 1], z = p[v + 2];
    if (x < xmin) xmin = x;
    if (x > xmax) xmax = x;
    if (y < ymin) ymin = y;
    if (y > ymax) ymax = y;
    if (z < zmin) zmin = z;
    if (z > zmax) zmax = z;
  }
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
  return { ...edgeTopology(mesh), vertexManifold: checkVertexFans(mesh.triangles, mesh.positions.length / 3) };
}

/** meshTopology without the vertex-fan check (which meshStats does not report): half the work. */
function edgeTopology(mesh: Mesh): Omit<MeshTopology, 'vertexManifold'> {
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

  const { parts, usedVertices } = meshParts(t, nv);
  return {
    watertight,
    oriented: oriented && watertight,
    eulerCharacteristic: usedVertices - edges + nt,
    parts,
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
 */
export function edgeCountsOfIncidences(raw: Int32Array, count: Int32Array, v0: number, v1: number): EdgeCounts {
  let edges = 0;
  let boundaryEdges = 0;
  let nonManifoldEdges = 0;
  let oriented = true;
  for (let a = v0; a < v1; a++) {
    const s0 = count[a - v0], s1 = count[a - v0 + 1];
    for (let p = s0; p < s1; p += 2) {
      const b = raw[p];
      let first = true;
      let same = 0;
      for (let q = s0; q < s1; q += 2) {
        if (raw[q] !== b) continue;
        if (q < p) first = false;
        same++;
      }
      if (!first) continue;
      let reverse = 0; // b → a, seen at a as an incoming half-edge from b
      for (let q = s0 + 1; q < s1; q += 2) if (raw[q] === b) reverse++;
      if (same > 1 || reverse !== 1) oriented = false;
      if (a < b || reverse === 0) {
        edges++;
        const n = same + reverse;
        if (n === 1) boundaryEdges++;
        else if (n > 2) nonManifoldEdges++;
      }
    }
  }
  return { edges, boundaryEdges, nonManifoldEdges, oriented };
}

/** Adds up ranges' EdgeCounts. */
export function joinEdgeCounts(parts: readonly EdgeCounts[]): EdgeCounts {
  return parts.reduce((s, p) => ({ edges: s.edges + p.edges, boundaryEdges: s.boundaryEdges + p.boundaryEdges, nonManifoldEdges: s.nonManifoldEdges + p.nonManifoldEdges, oriented: s.oriented && p.oriented }), { edges: 0, boundaryEdges: 0, nonManifoldEdges: 0, oriented: true });
}

/** Connected parts (by shared vertices of triangles) and the vertices triangles use. */
export function meshParts(t: Uint32Array, nv: number): { parts: number; usedVertices: number } {
  const parent = new Int32Array(nv);
  for (let v = 0; v < nv; v++) parent[v] = v;
  const used = new Uint8Array(nv);
  for (let i = 0; i < t.length; i += 3) {
    used[t[i]] = used[t[i + 1]] = used[t[i + 2]] = 1;
    union(parent, t[i], t[i + 1]);
    union(parent, t[i], t[i + 2]);
  }
  let usedVertices = 0;
  let parts = 0;
  for (let v = 0; v < nv; v++) {
    if (!used[v]) continue;
    usedVertices++;
    if (find(parent, v) === v) parts++;
  }
  return { parts, usedVertices };
}

/** What meshStats reports of the topology, when it is already known (found by threads). */
export type KnownTopology = Pick<MeshStats, 'watertight' | 'oriented' | 'parts'>;

/** KnownTopology from edge counts and parts: the same rules as meshTopology. */
export function topologyFrom(edges: EdgeCounts, parts: number): KnownTopology {
  const watertight = edges.boundaryEdges === 0 && edges.nonManifoldEdges === 0;
  return { watertight, oriented: edges.oriented && watertight, parts };
}

/** Triangles, measures, parts, watertight and oriented: the numbers shown before saving. */
export function meshStats(mesh: Mesh, known?: KnownTopology): MeshStats {
  const topo = known ?? edgeTopology(mesh);
  return {
    triangles: mesh.triangles.length / 3,
    vertices: mesh.positions.length / 3,
    ...meshMeasures(mesh),
    parts: topo.parts,
    watertight: topo.watertight,
    oriented: topo.oriented,
  };
}

function find(parent: Int32Array, v: number): number {
  while (parent[v] !== v) {
    parent[v] = parent[parent[v]];
    v = parent[v];
  }
  return v;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra !== rb) parent[ra < rb ? rb : ra] = ra < rb ? ra : rb;
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
    for (let a = s; a < e; a++) group[a] = a;
    // Join incidences whose triangles share another vertex (i.e. an edge at v).
    for (let a = s; a < e; a++) {
      const ta = (corner[a] / 3) | 0;
      for (let b = a + 1; b < e; b++) {
        const tb = (corner[b] / 3) | 0;
        if (sharesOther(t, ta, tb, v)) unionIn(group, a, b);
      }
    }
    const root = findIn(group, s);
    for (let a = s + 1; a < e; a++) if (findIn(group, a) !== root) return false;
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

function findIn(g: Int32Array, a: number): number {
  while (g[a] !== a) {
    g[a] = g[g[a]];
    a = g[a];
  }
  return a;
}

function unionIn(g: Int32Array, a: number, b: number): void {
  const ra = findIn(g, a);
  const rb = findIn(g, b);
  if (ra !== rb) g[rb] = ra;
}
