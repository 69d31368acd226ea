// What meshStats and smoothing need of the edges, found per slab of the threaded extraction
// while the slab's triangles are still the thread's own (in its cache, its share of the work),
// then joined across the seams: each slab shares one slice of vertices with the next.
//
// A slab's "extended" numbering: the vertices of the slice before it (which the slab before
// made, named 0xFFFFFFFF − i in SurfaceSlab.triangles) are 0..P−1, its own vertices P onwards.
// In the whole mesh (mergeSurfaceSlabs) those are prevBase + i and base + own id: the same
// order, so "the smaller end" of an edge is the same end in both numberings, and each slab
// counts exactly the edges meshTopology counts at its vertices.
import { ImageStackError } from '../errors';
import type { SurfaceSlab } from './extractSurface';
import { edgeCountsOfIncidences, joinEdgeCounts, positionsBox, topologyFrom, type EdgeCounts, type KnownTopology } from './meshStats';
import { inKernelCalls } from '../wasm/assemble';
import { slabKernel, type SlabKernel } from './slabKernel';
import { findRoot, singletons, unite } from './unionFind';

/** A slab's triangles and incidences in its extended numbering, kept by the thread that made it. */
export interface SlabAnalysis {
  /** Prime vertices (the slice before the slab). */
  P: number;
  /** The slab's own vertices. */
  own: number;
  /** Own id of the first vertex on the slab's last slice's x and y edges, and how many there are. */
  L: number;
  XY: number;
  /** The slab ends the stack: its last slice's vertices have all their triangles here. */
  last: boolean;
  /** Triangles, extended ids, wound as placed (see analyseSlab's `flip`). */
  ext: Uint32Array;
  /** For extended vertex e: raw[count[e] .. count[e + 1]) holds (outgoing, incoming far end) pairs, in triangle order. */
  count: Int32Array;
  raw: Int32Array;
  /** Component (0..components−1) of each extended vertex by shared triangles. */
  comp: Int32Array;
  components: number;
  /**
   * The WebAssembly loops on the memory these arrays are views of (absent: JavaScript's arrays);
   * slabNeighbours grows that memory for its lists and makes the views again.
   */
  kernel?: SlabKernel;
}

/** What the joining thread needs of a slab: sizes, its complete edge counts, its seam vertices. */
export interface SlabSummary {
  own: number;
  triangles: number;
  P: number;
  L: number;
  XY: number;
  components: number;
  /** meshTopology's counts at the vertices whose triangles are all in this slab. */
  interior: EdgeCounts;
  /** Incidences (extended ids) of the prime vertices, and of the last slice's x/y vertices unless `last`. */
  primeCount: Int32Array;
  primeRaw: Int32Array;
  topCount: Int32Array;
  topRaw: Int32Array;
  primeComp: Int32Array;
  topComp: Int32Array;
}

/**
 * A slab's analysis: its triangles renumbered (and flipped to the placed winding when the
 * index→patient affine is left-handed, as placeMesh does), each vertex's incidences, the
 * components. `last`: the slab ends the stack. The loops run in WebAssembly where it can
 * (slabKernel.ts: the arrays are then views of the kernel's memory, the triangles copied into
 * it); `kernel: false` runs the JavaScript loops (the kernel's test reference). `consume`: for a
 * caller done with slab.triangles, they are renumbered in place (they become the analysis's
 * `ext`) instead of a copy: by the JavaScript loops, or by the kernel on the marching cubes' own
 * memory (slab.trianglesMemory), which it takes over and grows (slab.triangles is then detached).
 */
export function analyseSlab(slab: SurfaceSlab, options: { flip: boolean; last: boolean; consume?: boolean; kernel?: boolean }): SlabAnalysis {
  const P = slab.primeVertices;
  const own = slab.positions.length / 3;
  const n = P + own;
  const t = slab.triangles;
  const T = t.length / 3;
  const kernel = options.kernel === false ? null : slabKernel(T, n, options.consume ? slab.trianglesMemory : undefined);
  if (kernel) return analyseSlabOn(kernel, slab, T, options);
  const ext = options.consume ? t : new Uint32Array(t.length);
  // renumbered and counted in one pass (two incidence entries per corner; a flip keeps the counts)
  const count = new Int32Array(n + 1);
  for (let i = 0; i < t.length; i++) {
    const id = t[i];
    const e = id >= 0x80000000 ? 0xffffffff - id : P + id;
    ext[i] = e;
    count[e + 1] += 2;
  }
  if (options.flip) {
    for (let i = 0; i < ext.length; i += 3) {
      const a = ext[i + 1];
      ext[i + 1] = ext[i + 2];
      ext[i + 2] = a;
    }
  }
  for (let v = 0; v < n; v++) count[v + 1] += count[v];
  const fill = count.slice(0, n);
  const raw = new Int32Array(count[n]);
  const parent = singletons(new Int32Array(n));
  for (let i = 0; i < ext.length; i += 3) {
    const a = ext[i], b = ext[i + 1], c = ext[i + 2];
    raw[fill[a]++] = b;
    raw[fill[a]++] = c;
    raw[fill[b]++] = c;
    raw[fill[b]++] = a;
    raw[fill[c]++] = a;
    raw[fill[c]++] = b;
    // unite(a, b) then unite(a, c), a's root found once (the smaller root wins, as unite does)
    let ra = findRoot(parent, a);
    const rb = findRoot(parent, b);
    if (rb < ra) {
      parent[ra] = rb;
      ra = rb;
    } else if (ra < rb) parent[rb] = ra;
    const rc = findRoot(parent, c);
    if (rc < ra) parent[ra] = rc;
    else if (ra < rc) parent[rc] = ra;
  }
  const comp = new Int32Array(n).fill(-1);
  let components = 0;
  for (let v = 0; v < n; v++) {
    if (count[v] === count[v + 1]) continue; // unused
    const r = findRoot(parent, v);
    if (comp[r] < 0) comp[r] = components++;
    comp[v] = comp[r];
  }
  return { P, own, L: slab.lastSliceFirstVertex, XY: slab.lastSliceEdgeVertices, last: options.last, ext, count, raw, comp, components };
}

/** analyseSlab's loops in the kernel's memory: the same arrays, as views of it. */
function analyseSlabOn(k: SlabKernel, slab: SurfaceSlab, T: number, options: { flip: boolean; last: boolean }): SlabAnalysis {
  const P = slab.primeVertices;
  const own = slab.positions.length / 3;
  const n = P + own;
  const { buffer } = k.memory;
  const at = k.layout;
  const ext = new Uint32Array(buffer, at.ext, 3 * T);
  // Triangles in a memory the kernel took over are where ext is already (and slab.triangles
  // is detached if the kernel grew it).
  if (k.memory !== slab.trianglesMemory) ext.set(slab.triangles);
  inKernelCalls(0, T, (a, b) => k.renumber(a, b, P, options.flip));
  inKernelCalls(0, n, (a, b) => k.prefix(a, b));
  inKernelCalls(0, T, (a, b) => k.incidences(a, b));
  let components = 0;
  inKernelCalls(0, n, (a, b) => (components = k.components(a, b, components)));
  const count = new Int32Array(buffer, at.count, n + 1);
  const comp = new Int32Array(buffer, at.comp, n);
  const raw = new Int32Array(buffer, at.raw, count[n]);
  return { P, own, L: slab.lastSliceFirstVertex, XY: slab.lastSliceEdgeVertices, last: options.last, ext, count, raw, comp, components, kernel: k };
}

/** meshTopology's edge counts at extended vertices v0..v1−1 of the slab (far ends below P + own). */
export function slabEdgeCounts(a: SlabAnalysis, v0: number, v1: number): EdgeCounts {
  if (!a.kernel) return edgeCountsOfIncidences(a.raw, a.count.subarray(v0), v0, v1, a.P + a.own);
  const parts: EdgeCounts[] = [];
  const k = a.kernel;
  inKernelCalls(v0, v1, (c0, c1) => parts.push(k.edges(c0, c1)));
  return joinEdgeCounts(parts);
}

/** The incidences of extended vertices v0..v1−1 as their own CSR (offsets from 0). */
function incidencesOf(a: SlabAnalysis, v0: number, v1: number): { count: Int32Array; raw: Int32Array } {
  const count = new Int32Array(v1 - v0 + 1);
  for (let v = v0; v < v1; v++) count[v - v0 + 1] = a.count[v + 1] - a.count[v0];
  return { count, raw: a.raw.slice(a.count[v0], a.count[v1]) };
}

/** The summary a slab's thread sends to be joined with the others (see joinSlabs). */
export function summariseSlab(a: SlabAnalysis, triangles: number): SlabSummary {
  const top0 = a.P + a.L;
  const top1 = a.last ? top0 : top0 + a.XY;
  // Edges counted at the vertices whose triangles are all here: own vertices except the last
  // slice's x/y ones (the next slab uses them too), unless this slab ends the stack.
  // (the far ends are extended ids, below P + own)
  const parts = [slabEdgeCounts(a, a.P, top0)];
  if (top1 < a.P + a.own) parts.push(slabEdgeCounts(a, top1, a.P + a.own));
  const prime = incidencesOf(a, 0, a.P);
  const top = incidencesOf(a, top0, top1);
  return {
    own: a.own,
    triangles,
    P: a.P,
    L: a.L,
    XY: a.last ? 0 : a.XY,
    components: a.components,
    interior: joinEdgeCounts(parts),
    primeCount: prime.count,
    primeRaw: prime.raw,
    topCount: top.count,
    topRaw: top.raw,
    primeComp: a.comp.slice(0, a.P),
    topComp: a.comp.slice(top0, top1),
  };
}

/** Where each slab goes in the whole mesh, and what the seams add. */
export interface JoinedSlabs {
  vertices: number;
  triangles: number;
  /** Per slab: global id of its first own vertex, of the slab before's last-slice vertices, its first triangle. */
  base: number[];
  prevBase: number[];
  firstTriangle: number[];
  topology: KnownTopology;
  /** meshTopology's edge counts of the whole mesh (what `topology` is made from). */
  edges: EdgeCounts;
  /** Parts of the whole mesh, and per slab the part of each of its components. */
  parts: number;
  partOf: Int32Array[];
  /**
   * Per slab (null for the last): the complete incidences, in global ids, of its last slice's
   * x/y vertices (its own triangles' then the next slab's, the whole mesh's order), indexed
   * from global id base + L.
   */
  seams: Array<{ count: Int32Array; raw: Int32Array } | null>;
}

/** Joins the slabs' summaries (in slab order): placement of each, topology and parts of the whole. */
export function joinSlabs(slabs: readonly SlabSummary[]): JoinedSlabs {
  const base: number[] = [];
  const prevBase: number[] = [];
  const firstTriangle: number[] = [];
  let vertices = 0;
  let triangles = 0;
  for (let s = 0; s < slabs.length; s++) {
    const x = slabs[s];
    if (s > 0 && slabs[s - 1].XY !== x.P) throw new ImageStackError('mismatch', `mesh: slab ${s} names ${x.P} vertices of the slice before it, which has ${slabs[s - 1].XY}`);
    if (s === 0 && x.P !== 0) throw new ImageStackError('mismatch', 'mesh: the first slab names vertices before it');
    prevBase.push(s ? base[s - 1] + slabs[s - 1].L : 0);
    base.push(vertices);
    firstTriangle.push(triangles);
    vertices += x.own;
    triangles += x.triangles;
  }
  const global = (s: number, e: number) => (e < slabs[s].P ? prevBase[s] + e : base[s] + e - slabs[s].P);
  const counts: EdgeCounts[] = slabs.map(x => x.interior);
  const seams: JoinedSlabs['seams'] = [];
  for (let s = 0; s < slabs.length; s++) {
    const a = slabs[s];
    if (s === slabs.length - 1 || a.XY === 0) {
      seams.push(s === slabs.length - 1 ? null : { count: new Int32Array(1), raw: new Int32Array(0) });
      continue;
    }
    const b = slabs[s + 1];
    const count = new Int32Array(a.XY + 1);
    const raw = new Int32Array(a.topRaw.length + b.primeRaw.length);
    let n = 0;
    for (let i = 0; i < a.XY; i++) {
      for (let q = a.topCount[i]; q < a.topCount[i + 1]; q++) raw[n++] = global(s, a.topRaw[q]);
      for (let q = b.primeCount[i]; q < b.primeCount[i + 1]; q++) raw[n++] = global(s + 1, b.primeRaw[q]);
      count[i + 1] = n;
    }
    const v0 = base[s] + a.L;
    counts.push(edgeCountsOfIncidences(raw, count, v0, v0 + a.XY));
    seams.push({ count, raw });
  }
  // Parts: the slabs' components, joined where a seam vertex's two halves lie.
  const offset: number[] = [];
  let nodes = 0;
  for (const x of slabs) {
    offset.push(nodes);
    nodes += x.components;
  }
  const parent = singletons(new Int32Array(nodes));
  for (let s = 0; s + 1 < slabs.length; s++) {
    const a = slabs[s];
    const b = slabs[s + 1];
    for (let i = 0; i < a.XY; i++) if (a.topComp[i] >= 0 && b.primeComp[i] >= 0) unite(parent, offset[s] + a.topComp[i], offset[s + 1] + b.primeComp[i]);
  }
  const partOfNode = new Int32Array(nodes).fill(-1);
  let parts = 0;
  const partOf = slabs.map((x, s) => {
    const out = new Int32Array(x.components);
    for (let c = 0; c < x.components; c++) {
      const r = findRoot(parent, offset[s] + c);
      if (partOfNode[r] < 0) partOfNode[r] = parts++;
      out[c] = partOfNode[r];
    }
    return out;
  });
  const edges = joinEdgeCounts(counts);
  return { vertices, triangles, base, prevBase, firstTriangle, topology: topologyFrom(edges), edges, parts, partOf, seams };
}

/**
 * Writes a slab into the whole mesh: its own vertices at `base` (moved by `place` when given:
 * voxel index → output coordinates, in float64 then stored, as placeMesh does) and its
 * triangles at `firstTriangle`, in global ids.
 */
export function assembleSlab(
  a: SlabAnalysis,
  slabPositions: Float32Array,
  at: { base: number; prevBase: number; firstTriangle: number },
  out: { positions: Float32Array; triangles: Uint32Array },
  place?: (i: number, j: number, k: number, out: Float32Array, o: number) => void,
): void {
  const { positions, triangles } = out;
  const o0 = 3 * at.base;
  if (place) for (let v = 0; v < slabPositions.length; v += 3) place(slabPositions[v], slabPositions[v + 1], slabPositions[v + 2], positions, o0 + v);
  else positions.set(slabPositions, o0);
  const P = a.P;
  const shift = at.base - P;
  const ext = a.ext;
  const t0 = 3 * at.firstTriangle;
  for (let i = 0; i < ext.length; i++) {
    const e = ext[i];
    triangles[t0 + i] = e < P ? at.prevBase + e : shift + e;
  }
}

/**
 * The neighbour lists (global ids, each vertex's first-seen order, as vertexNeighbours gives
 * them on the whole mesh) of the slab's own vertices, CSR indexed from its first own vertex.
 * `seam`: the complete incidences of its last slice's x/y vertices (joinSlabs), null for the last slab.
 */
export function slabNeighbours(a: SlabAnalysis, at: { base: number; prevBase: number }, seam: { count: Int32Array; raw: Int32Array } | null): { start: Int32Array; neighbours: Int32Array } {
  const P = a.P;
  const shift = at.base - P;
  const top0 = P + a.L;
  const top1 = seam ? top0 + a.XY : top0;
  const length = a.count[P + a.own] - a.count[P] + (seam ? seam.raw.length : 0);
  const listed = a.kernel ? slabNeighboursOn(a, a.kernel, at, seam, top0, top1, length) : null;
  if (listed) return listed;
  const start = new Int32Array(a.own + 1);
  const neighbours = new Int32Array(length);
  // seen[x] = 1 + the vertex whose list has extended vertex x already: first-seen order
  // without rescanning the list for each incidence
  const seen = new Int32Array(P + a.own);
  let n = 0;
  for (let e = P; e < P + a.own; e++) {
    const v = e - P;
    start[v] = n;
    if (e >= top0 && e < top1) {
      n = seamNeighbours(seam!, e - top0, start[v], neighbours, n);
      continue;
    }
    for (let q = a.count[e]; q < a.count[e + 1]; q++) {
      const x = a.raw[q];
      if (seen[x] === e + 1) continue;
      seen[x] = e + 1;
      neighbours[n++] = x < P ? at.prevBase + x : shift + x;
    }
  }
  start[a.own] = n;
  return { start, neighbours: neighbours.subarray(0, n) };
}

/** A seam vertex's list: its incidences in global ids (both slabs'), few of them, each once; the new n. */
function seamNeighbours(seam: { count: Int32Array; raw: Int32Array }, i: number, first: number, neighbours: Int32Array, n: number): number {
  for (let q = seam.count[i]; q < seam.count[i + 1]; q++) {
    const x = seam.raw[q];
    let dup = false;
    for (let b = first; b < n; b++) {
      if (neighbours[b] === x) {
        dup = true;
        break;
      }
    }
    if (!dup) neighbours[n++] = x;
  }
  return n;
}

/**
 * slabNeighbours with the kernel's loop for all but the seam vertices, in memory grown for the
 * lists; null (the JavaScript loop's turn) where the memory cannot grow.
 */
function slabNeighboursOn(a: SlabAnalysis, k: SlabKernel, at: { base: number; prevBase: number }, seam: { count: Int32Array; raw: Int32Array } | null, top0: number, top1: number, length: number): { start: Int32Array; neighbours: Int32Array } | null {
  const P = a.P;
  const end = P + a.own;
  const lengths = { ext: a.ext.length, count: a.count.length, raw: a.raw.length, comp: a.comp.length }; // before the views go
  const seenAt = k.grow(4 * (end + a.own + 1 + length));
  if (seenAt === null) return null;
  const to = { seen: seenAt, start: seenAt + 4 * end, nb: seenAt + 4 * (end + a.own + 1) };
  viewAgain(a, k, lengths);
  const start = new Int32Array(k.memory.buffer, to.start, a.own + 1);
  const neighbours = new Int32Array(k.memory.buffer, to.nb, length);
  let n = 0;
  const run = (e0: number, e1: number) => inKernelCalls(e0, e1, (a, b) => (n = k.neighbours(a, b, P, n, at.prevBase, at.base - P, to)));
  run(P, top0);
  for (let e = top0; e < top1; e++) {
    start[e - P] = n;
    n = seamNeighbours(seam!, e - top0, n, neighbours, n);
  }
  run(top1, end);
  start[a.own] = n;
  return { start, neighbours: neighbours.subarray(0, n) };
}

/** The analysis's arrays as views of its kernel's memory again (after the memory grew: the old views have length 0). */
function viewAgain(a: SlabAnalysis, k: SlabKernel, lengths: { ext: number; count: number; raw: number; comp: number }): void {
  const { buffer } = k.memory;
  const at = k.layout;
  a.ext = new Uint32Array(buffer, at.ext, lengths.ext);
  a.count = new Int32Array(buffer, at.count, lengths.count);
  a.raw = new Int32Array(buffer, at.raw, lengths.raw);
  a.comp = new Int32Array(buffer, at.comp, lengths.comp);
}

/** Per component: six times the signed volume against `ref`; the slab's twice-area; the box of its own vertices. */
export interface SlabMeasures {
  sixVolumes: Float64Array;
  twiceArea: number;
  bbox: [number, number, number, number, number, number];
}

/** The measures of the slab's triangles (global `triangles` from firstTriangle) on `positions` (the whole mesh's, final). */
export function measureSlab(a: SlabAnalysis, positions: Float32Array, triangles: Uint32Array, at: { base: number; firstTriangle: number }, ref: readonly [number, number, number]): SlabMeasures {
  const p = positions;
  const bbox = positionsBox(p, at.base, at.base + a.own);
  const [cx, cy, cz] = ref;
  const six = new Float64Array(a.components);
  let twiceArea = 0;
  const ext = a.ext;
  const t0 = 3 * at.firstTriangle;
  for (let i = 0; i < ext.length; i += 3) {
    const ia = 3 * triangles[t0 + i], ib = 3 * triangles[t0 + i + 1], ic = 3 * triangles[t0 + i + 2];
    const ax = p[ia] - cx, ay = p[ia + 1] - cy, az = p[ia + 2] - cz;
    const bx = p[ib] - cx, by = p[ib + 1] - cy, bz = p[ib + 2] - cz;
    const qx = p[ic] - cx, qy = p[ic + 1] - cy, qz = p[ic + 2] - cz;
    six[a.comp[ext[i]]] += ax * (by * qz - bz * qy) - ay * (bx * qz - bz * qx) + az * (bx * qy - by * qx);
    const ux = bx - ax, uy = by - ay, uz = bz - az;
    const wx = qx - ax, wy = qy - ay, wz = qz - az;
    const nx = uy * wz - uz * wy, ny = uz * wx - ux * wz, nz = ux * wy - uy * wx;
    twiceArea += Math.sqrt(nx * nx + ny * ny + nz * nz);
  }
  return { sixVolumes: six, twiceArea, bbox };
}
