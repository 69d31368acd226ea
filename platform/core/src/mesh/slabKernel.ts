// A slab's analysis (slabTopology.ts: its triangles renumbered, each vertex's incidences, its
// components, and the edge counts meshStats reports) as WebAssembly loops over one memory that
// holds every array of the analysis. Measured on a 512×512×400 phantom's slab (713,046
// triangles, two threads at once, each slab's analysis run once, as the mesh threads run it):
// V8's JavaScript took 100–140 ms for the incidences and components and 60–65 ms for the edge
// counts, gcc -O2's build of the same C loops 30 and 15 ms (mostly V8 starting each loop cold
// in its interpreter; the loops are scattered loads and stores).
//
// The loops are slabTopology's and meshStats's, step for step (the same order of writes, the
// same path halving, the same component numbering), so both paths give the same arrays
// (slabKernel.test.ts). Each loop takes a range (of triangles or vertices) per call, so that
// V8's optimising compiler, which takes over a WebAssembly function between calls, runs most of
// the work. Where WebAssembly is missing the JavaScript loops run.
//
// Memory layout (int32 each, byte offsets in SlabLayout): ext 3T (the triangles, renumbered in
// place), count n + 1, fill n, raw 6T, parent n, comp n, and the edge counts' scratch out and
// back (n each, zero between vertices) and their four results.
import { asm, compileOnce, I32, instantiate, newWasmMemory, OP, oneFunctionModule, WA, WASM_PAGE_BYTES, wasmPages, type WasmMemory } from '../wasm/assemble';

const { get, set, tee, i32, mem, advance } = asm;
const SELECT = 0x1b;
const load = (offset = 0) => mem(OP.i32_load, 2, offset);
const store = (offset = 0) => mem(OP.i32_store, 2, offset);
/** base + 4 × index (index: instructions leaving an i32) */
const at = (base: number, index: number[]) => [...get(base), ...index, ...i32(2), OP.i32_shl, OP.i32_add];

/**
 * findRoot with path halving (unionFind.ts), in place on local `x`: while parent[x] ≠ x,
 * parent[x] = parent[parent[x]] and x = that. `p`, `q` are scratch locals.
 */
function findRoot(parent: number, x: number, p: number, q: number): number[] {
  return [
    OP.block, OP.void,
    OP.loop, OP.void,
    ...at(parent, get(x)), ...load(), ...tee(p), ...get(x), OP.i32_eq, OP.br_if, 1,
    ...at(parent, get(p)), ...load(), ...set(q),
    ...at(parent, get(x)), ...get(q), ...store(),
    ...get(q), ...set(x),
    OP.br, 0,
    OP.end,
    OP.end,
  ];
}

/** A loop of `body` while local `i` < local `end`, `i` advanced by `step` after each pass. */
function loopWhile(i: number, end: number, step: number, body: number[]): number[] {
  return [
    OP.block, OP.void,
    OP.loop, OP.void,
    ...get(i), ...get(end), OP.i32_ge_s, OP.br_if, 1,
    ...body,
    ...advance(i, step),
    OP.br, 0,
    OP.end,
    OP.end,
  ];
}

// renumber(ext, t0, t1, P, count, flip): triangles t0..t1−1 of ext renumbered in place to
// extended ids (0xFFFFFFFF − i → i, own id → P + id), wound the other way when flip, and
// count[e + 1] += 2 for each corner e.
function renumberBody(): number[] {
  const [EXT, T0, T1, P, COUNT, FLIP] = [0, 1, 2, 3, 4, 5];
  const [I, END, X, E0, E1, E2, A] = [6, 7, 8, 9, 10, 11, 12];
  const corner = (offset: number, e: number) => [
    ...get(I), ...load(offset), ...set(X),
    // x < 0 (as int32: ≥ 0x80000000) ? ~x : P + x
    ...get(X), ...i32(-1), OP.i32_xor, ...get(P), ...get(X), OP.i32_add, ...get(X), ...i32(0), OP.i32_lt_s, SELECT, ...set(e),
    ...at(COUNT, get(e)), ...tee(A), ...get(A), ...load(4), ...i32(2), OP.i32_add, ...store(4),
  ];
  return [
    ...get(EXT), ...get(T0), ...i32(12), OP.i32_mul, OP.i32_add, ...set(I),
    ...get(EXT), ...get(T1), ...i32(12), OP.i32_mul, OP.i32_add, ...set(END),
    ...loopWhile(I, END, 12, [
      ...corner(0, E0), ...corner(4, E1), ...corner(8, E2),
      ...get(I), ...get(E0), ...store(0),
      ...get(I), ...get(E2), ...get(E1), ...get(FLIP), SELECT, ...store(4),
      ...get(I), ...get(E1), ...get(E2), ...get(FLIP), SELECT, ...store(8),
    ]),
  ];
}

// prefix(count, fill, parent, comp, v0, v1): for v in v0..v1−1 (in order), count[v + 1] +=
// count[v] (the offsets of each vertex's incidences), fill[v] = count[v], parent[v] = v,
// comp[v] = −1.
function prefixBody(): number[] {
  const [COUNT, FILL, PARENT, COMP, V0, V1] = [0, 1, 2, 3, 4, 5];
  const [V, A, X] = [6, 7, 8];
  return [
    ...get(V0), ...set(V),
    ...loopWhile(V, V1, 1, [
      ...at(COUNT, get(V)), ...tee(A), ...load(0), ...set(X),
      ...get(A), ...get(A), ...load(4), ...get(X), OP.i32_add, ...store(4),
      ...at(FILL, get(V)), ...get(X), ...store(),
      ...at(PARENT, get(V)), ...get(V), ...store(),
      ...at(COMP, get(V)), ...i32(-1), ...store(),
    ]),
  ];
}

// incidences(ext, t0, t1, fill, raw, parent): for triangles t0..t1−1 (a, b, c), the pairs
// (b, c) at a, (c, a) at b, (a, b) at c appended at fill[·]; a, b, c united, the smaller root
// winning.
function incidencesBody(): number[] {
  const [EXT, T0, T1, FILL, RAW, PARENT] = [0, 1, 2, 3, 4, 5];
  const [I, END, A, B, C, F, Q, RA, RB, RC, P1, P2] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  // raw[fill[v]] = x, raw[fill[v] + 1] = y, fill[v] += 2
  const push = (v: number, x: number, y: number) => [
    ...at(FILL, get(v)), ...tee(F), ...load(), ...set(Q),
    ...get(F), ...get(Q), ...i32(2), OP.i32_add, ...store(),
    ...at(RAW, get(Q)), ...tee(F), ...get(x), ...store(0),
    ...get(F), ...get(y), ...store(4),
  ];
  // if (r < RA) parent[RA] = r (and RA = r when `move`), else if (RA < r) parent[r] = RA
  const join = (r: number, move: boolean) => [
    ...get(r), ...get(RA), OP.i32_lt_s,
    OP.if, OP.void,
    ...at(PARENT, get(RA)), ...get(r), ...store(),
    ...(move ? [...get(r), ...set(RA)] : []),
    OP.else,
    ...get(RA), ...get(r), OP.i32_lt_s,
    OP.if, OP.void,
    ...at(PARENT, get(r)), ...get(RA), ...store(),
    OP.end,
    OP.end,
  ];
  return [
    ...get(EXT), ...get(T0), ...i32(12), OP.i32_mul, OP.i32_add, ...set(I),
    ...get(EXT), ...get(T1), ...i32(12), OP.i32_mul, OP.i32_add, ...set(END),
    ...loopWhile(I, END, 12, [
      ...get(I), ...load(0), ...set(A), ...get(I), ...load(4), ...set(B), ...get(I), ...load(8), ...set(C),
      ...push(A, B, C), ...push(B, C, A), ...push(C, A, B),
      ...get(A), ...set(RA), ...findRoot(PARENT, RA, P1, P2),
      ...get(B), ...set(RB), ...findRoot(PARENT, RB, P1, P2),
      ...join(RB, true),
      ...get(C), ...set(RC), ...findRoot(PARENT, RC, P1, P2),
      ...join(RC, false),
    ]),
  ];
}

// components(count, parent, comp, v0, v1, components) → components: each used vertex of
// v0..v1−1 numbered by its root, roots numbered in vertex order from `components` on.
function componentsBody(): number[] {
  const [COUNT, PARENT, COMP, V0, V1, N] = [0, 1, 2, 3, 4, 5];
  const [V, R, P1, P2, CR] = [6, 7, 8, 9, 10];
  return [
    ...get(V0), ...set(V),
    ...loopWhile(V, V1, 1, [
      ...at(COUNT, get(V)), ...load(0), ...at(COUNT, get(V)), ...load(4), OP.i32_ne,
      OP.if, OP.void,
      ...get(V), ...set(R), ...findRoot(PARENT, R, P1, P2),
      ...at(COMP, get(R)), ...load(), ...tee(CR), ...i32(0), OP.i32_lt_s,
      OP.if, OP.void,
      ...at(COMP, get(R)), ...get(N), ...store(),
      ...get(N), ...set(CR),
      ...advance(N, 1),
      OP.end,
      ...at(COMP, get(V)), ...get(CR), ...store(),
      OP.end,
    ]),
    ...get(N),
  ];
}

// edges(raw, count, v0, v1, out, back, res): edgeCountsOfIncidences over vertices v0..v1−1
// (count indexed by vertex id), added into res: edges, boundary edges, non-manifold edges, and
// 0 once an edge is not used once each way.
function edgesBody(): number[] {
  const [RAW, COUNT, V0, V1, OUT, BACK, RES] = [0, 1, 2, 3, 4, 5, 6];
  const [V, S0, S1, Q, B, SAME, REV, EDGES, BOUNDARY, NONMANIFOLD, ORIENTED, X] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  // addr(base, raw[q + offset]) … the scratch slot of the far end at raw[q + offset]
  const slot = (base: number, offset: number) => at(base, [...at(RAW, get(Q)), ...load(offset)]);
  const pass = (body: number[]) => [...get(S0), ...set(Q), ...loopWhile(Q, S1, 2, body)];
  return [
    ...get(RES), ...load(0), ...set(EDGES), ...get(RES), ...load(4), ...set(BOUNDARY), ...get(RES), ...load(8), ...set(NONMANIFOLD), ...get(RES), ...load(12), ...set(ORIENTED),
    ...get(V0), ...set(V),
    ...loopWhile(V, V1, 1, [
      ...at(COUNT, get(V)), ...load(0), ...set(S0), ...at(COUNT, get(V)), ...load(4), ...set(S1),
      // tallies: out[b]++ for each outgoing far end, back[b]++ for each incoming one
      ...pass([
        ...slot(OUT, 0), ...tee(X), ...get(X), ...load(), ...i32(1), OP.i32_add, ...store(),
        ...slot(BACK, 4), ...tee(X), ...get(X), ...load(), ...i32(1), OP.i32_add, ...store(),
      ]),
      ...pass([
        ...at(RAW, get(Q)), ...load(0), ...set(B),
        ...at(OUT, get(B)), ...load(), ...tee(SAME), ...i32(0), OP.i32_ge_s,
        OP.if, OP.void,
        ...at(BACK, get(B)), ...load(), ...set(REV),
        ...at(OUT, get(B)), ...i32(-1), ...store(),
        ...get(SAME), ...i32(1), OP.i32_gt_s, ...get(REV), ...i32(1), OP.i32_ne, OP.i32_or,
        OP.if, OP.void, ...i32(0), ...set(ORIENTED), OP.end,
        ...get(V), ...get(B), OP.i32_lt_s, ...get(REV), OP.i32_eqz, OP.i32_or,
        OP.if, OP.void,
        ...advance(EDGES, 1),
        ...get(SAME), ...get(REV), OP.i32_add, ...tee(X), ...i32(1), OP.i32_eq,
        OP.if, OP.void,
        ...advance(BOUNDARY, 1),
        OP.else,
        ...get(X), ...i32(2), OP.i32_gt_s,
        OP.if, OP.void, ...advance(NONMANIFOLD, 1), OP.end,
        OP.end,
        OP.end,
        OP.end,
      ]),
      ...pass([...slot(OUT, 0), ...i32(0), ...store(), ...slot(BACK, 4), ...i32(0), ...store()]),
    ]),
    ...get(RES), ...get(EDGES), ...store(0), ...get(RES), ...get(BOUNDARY), ...store(4), ...get(RES), ...get(NONMANIFOLD), ...store(8), ...get(RES), ...get(ORIENTED), ...store(12),
  ];
}

// neighbours(count, raw, seen, start, nb, e0, e1, P, n, prevBase, shift) → n: the neighbour
// lists of extended vertices e0..e1−1 (slabNeighbours' loop): start[e − P] = n, then each far
// end x not yet seen[x] = e + 1 appended to nb from n as a global id (x < P: prevBase + x,
// else shift + x).
function neighboursBody(): number[] {
  const [COUNT, RAW, SEEN, START, NB, E0, E1, P, N, PREV, SHIFT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [E, Q, QE, X, A, MARK] = [11, 12, 13, 14, 15, 16];
  return [
    ...get(E0), ...set(E),
    ...loopWhile(E, E1, 1, [
      ...at(START, [...get(E), ...get(P), OP.i32_sub]), ...get(N), ...store(),
      ...at(COUNT, get(E)), ...load(0), ...set(Q), ...at(COUNT, get(E)), ...load(4), ...set(QE),
      ...get(E), ...i32(1), OP.i32_add, ...set(MARK),
      ...loopWhile(Q, QE, 1, [
        ...at(RAW, get(Q)), ...load(), ...set(X),
        ...at(SEEN, get(X)), ...tee(A), ...load(), ...get(MARK), OP.i32_ne,
        OP.if, OP.void,
        ...get(A), ...get(MARK), ...store(),
        ...at(NB, get(N)),
        ...get(PREV), ...get(X), OP.i32_add, ...get(SHIFT), ...get(X), OP.i32_add, ...get(X), ...get(P), OP.i32_lt_s, SELECT,
        ...store(),
        ...advance(N, 1),
        OP.end,
      ]),
    ]),
    ...get(N),
  ];
}

const KERNELS = {
  renumber: { params: 6, results: 0, locals: 7, body: renumberBody },
  prefix: { params: 6, results: 0, locals: 3, body: prefixBody },
  incidences: { params: 6, results: 0, locals: 12, body: incidencesBody },
  components: { params: 6, results: 1, locals: 5, body: componentsBody },
  edges: { params: 7, results: 0, locals: 12, body: edgesBody },
  neighbours: { params: 11, results: 1, locals: 6, body: neighboursBody },
};
type KernelName = keyof typeof KERNELS;

/** The module of one of the loops (exported for its validation test). */
export function slabKernelBytes(name: KernelName): Uint8Array {
  const k = KERNELS[name];
  return oneFunctionModule({ params: Array(k.params).fill(I32), results: k.results ? [I32] : [], locals: [[k.locals, I32]], body: k.body(), exportName: name, shared: false });
}

const compiled = Object.fromEntries(Object.keys(KERNELS).map(name => [name, compileOnce(() => slabKernelBytes(name as KernelName))])) as Record<KernelName, () => object | null>;

/** Byte offsets of the analysis's arrays in its memory. */
export interface SlabLayout {
  ext: number;
  count: number;
  fill: number;
  raw: number;
  parent: number;
  comp: number;
  out: number;
  back: number;
  res: number;
  bytes: number;
}

export function slabLayout(triangles: number, n: number): SlabLayout {
  const ext = 0;
  const count = ext + 12 * triangles;
  const fill = count + 4 * (n + 1);
  const raw = fill + 4 * n;
  const parent = raw + 24 * triangles;
  const comp = parent + 4 * n;
  const out = comp + 4 * n;
  const back = out + 4 * n;
  const res = back + 4 * n;
  return { ext, count, fill, raw, parent, comp, out, back, res, bytes: res + 16 };
}

/** The loops on one memory of a slab's analysis. */
export interface SlabKernel {
  memory: WasmMemory;
  layout: SlabLayout;
  renumber(t0: number, t1: number, P: number, flip: boolean): void;
  prefix(v0: number, v1: number): void;
  incidences(t0: number, t1: number): void;
  components(v0: number, v1: number, components: number): number;
  /** Edge counts over vertices v0..v1−1 (zeroing its results first). */
  edges(v0: number, v1: number): { edges: number; boundaryEdges: number; nonManifoldEdges: number; oriented: boolean };
  /**
   * The memory grown by `bytes` (zeroed) for a later step's arrays: their byte offset, or null
   * (nothing changed) where it cannot grow that far. After a growth the memory's buffer is a new
   * one: views of the old one must be made again.
   */
  grow(bytes: number): number | null;
  /** Neighbour lists of e0..e1−1 into start/nb (byte offsets), from n; the new n (see neighboursBody). */
  neighbours(e0: number, e1: number, P: number, n: number, prevBase: number, shift: number, to: { seen: number; start: number; nb: number }): number;
}

/** `memory` grown to hold at least `bytes`, or null where the engine refuses the pages. */
function grownTo(memory: WasmMemory, bytes: number): WasmMemory | null {
  const need = wasmPages(bytes) - memory.buffer.byteLength / WASM_PAGE_BYTES;
  try {
    if (need > 0) memory.grow(need);
    return memory;
  } catch {
    return null;
  }
}

/** The largest memory a slab's analysis asks for (bytes): wasm32 addresses. */
const MAX_BYTES = 2 ** 31;

/**
 * A fresh memory laid out for a slab of `triangles` triangles and `n` extended vertices, with
 * the loops on it; null where WebAssembly cannot run them or the slab is too large for it.
 * `holding`: a (not shared) memory whose first 12·triangles bytes are the slab's triangles and all after
 * them zeros (the marching cubes' own, see SurfaceSlab.trianglesMemory), grown and used instead:
 * the triangles are then where `ext` is already, not copied into fresh pages (8.8 MB a thread
 * on the 512×512×400 phantom).
 */
export function slabKernel(triangles: number, n: number, holding?: WasmMemory): SlabKernel | null {
  const layout = slabLayout(triangles, n);
  if (!WA || layout.bytes > MAX_BYTES) return null;
  const modules = (Object.keys(KERNELS) as KernelName[]).map(name => compiled[name]());
  if (modules.some(m => !m)) return null;
  // (holding that cannot grow: a fresh memory, which copies)
  const memory = (holding && grownTo(holding, layout.bytes)) || newWasmMemory(layout.bytes, MAX_BYTES / WASM_PAGE_BYTES);
  if (!memory) return null;
  const [renumber, prefix, incidences, components, edges, neighbours] = modules.map((m, i) => instantiate<(...a: number[]) => number>(m!, memory, Object.keys(KERNELS)[i]));
  const L = layout;
  return {
    memory,
    layout,
    renumber: (t0, t1, P, flip) => void renumber(L.ext, t0, t1, P, L.count, flip ? 1 : 0),
    prefix: (v0, v1) => void prefix(L.count, L.fill, L.parent, L.comp, v0, v1),
    incidences: (t0, t1) => void incidences(L.ext, t0, t1, L.fill, L.raw, L.parent),
    components: (v0, v1, c) => components(L.count, L.parent, L.comp, v0, v1, c),
    edges: (v0, v1) => {
      const res = new Int32Array(memory.buffer, L.res, 4);
      res.set([0, 0, 0, 1]);
      edges(L.raw, L.count, v0, v1, L.out, L.back, L.res);
      return { edges: res[0], boundaryEdges: res[1], nonManifoldEdges: res[2], oriented: res[3] === 1 };
    },
    grow: bytes => {
      const from = memory.buffer.byteLength;
      if (from + bytes > MAX_BYTES) return null;
      try {
        memory.grow(Math.ceil(bytes / WASM_PAGE_BYTES));
      } catch {
        return null; // the engine refused (address space, memory): the old buffer stays
      }
      return from;
    },
    neighbours: (e0, e1, P, n, prevBase, shift, to) => neighbours(L.count, L.raw, to.seen, to.start, to.nb, e0, e1, P, n, prevBase, shift),
  };
}
