// The inner loop of windowed-sinc smoothing (smoothVertexRange's Clenshaw terms) as a
// WebAssembly function, assembled here from the few instructions it needs: no toolchain, no
// binary in the repository. Measured on the 512×512×400 phantom's 735,384 vertices (one thread,
// 19 terms), V8's JavaScript took 20–30 ns a vertex and term, this loop 10–11 ns, the same as
// clang -O3's build of the C loop (SIMD gained nothing: the loop waits on its gathers).
//
// The arithmetic is smoothVertexRange's, operation for operation (the same sums in the same
// order, the same rounding to float32 at the end), and WebAssembly's f64 is IEEE-754 without
// fused multiply-add, so both paths give the same bits (smoothKernel.test.ts). Where
// WebAssembly cannot compile (a page whose Content-Security-Policy forbids it) smoothing runs
// the JavaScript loop.
//
// Memory: the kernel reads and writes one linear memory, byte addresses as arguments:
//   pos  float32 ×3 per vertex, the input positions (global vertex ids)
//   q, p float64 ×3 per vertex, b_{k+1} and b_{k+2} (global ids); the term writes b_k over p
//   start, nb  int32, the CSR neighbour lists of vertices v0..v1−1 (row 0 is v0)
//   out  float32 ×3 per vertex (the last step only)
// The first step (b_n = c_n x and b_{n+1} = 0 into q and p) runs here too: as a JavaScript loop
// it ran once, unoptimised, 7–9 ms a thread on the phantom's 367,000 vertices a thread.

import { asm, compileOnce, F64, I32, instantiate, newWasmMemory, OP, oneFunctionModule, uleb, WA, wasmPages, type WasmMemory } from '../wasm/assemble';

export type { WasmMemory };

/** One compiled copy per kind of memory (a shared memory needs a module that says so). */
const compiled = { shared: compileOnce(() => kernelBytes(true)), plain: compileOnce(() => kernelBytes(false)) };
const kernelModule = (shared: boolean) => (shared ? compiled.shared : compiled.plain)();

type SmoothFn = (pos: number, q: number, p: number, start: number, nb: number, v0: number, v1: number, out: number, c: number, cx: number, cy: number, cz: number, mode: number) => void;
type TermFn = (pos: number, q: number, p: number, start: number, nb: number, v0: number, v1: number, out: number, c: number, cx: number, cy: number, cz: number) => void;

/**
 * The kernel bound to one memory: `first` writes c·(x − centre) into q and 0 into p (b_n and
 * b_{n+1}; start, nb and out unused), `term` writes b_k over p, `last` the smoothed positions
 * into out.
 */
export interface SmoothKernel {
  memory: WasmMemory;
  first: TermFn;
  term: TermFn;
  last: TermFn;
}

/** The most a kernel's memory may be (bytes): wasm32 addresses, and what every engine grants. */
export const SMOOTH_KERNEL_MAX_BYTES = 2 ** 31;

/** A memory of at least `bytes` for the kernel (null: WebAssembly unavailable, or too large). */
export function smoothKernelMemory(bytes: number, shared: boolean): WasmMemory | null {
  if (!WA || bytes > SMOOTH_KERNEL_MAX_BYTES || !kernelModule(shared)) return null;
  return newWasmMemory(bytes, wasmPages(bytes), shared); // (refused: the JavaScript loop runs)
}

/** The kernel on `memory` (as smoothKernelMemory made it), or null where WebAssembly cannot run it. */
export function smoothKernelOn(memory: WasmMemory): SmoothKernel | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = kernelModule(shared);
  if (!module) return null;
  const smooth = instantiate<SmoothFn>(module, memory, 'smooth');
  return {
    memory,
    first: (pos, q, p, start, nb, v0, v1, out, c, cx, cy, cz) => smooth(pos, q, p, start, nb, v0, v1, out, c, cx, cy, cz, MODE_FIRST),
    term: (pos, q, p, start, nb, v0, v1, out, c, cx, cy, cz) => smooth(pos, q, p, start, nb, v0, v1, out, c, cx, cy, cz, MODE_TERM),
    last: (pos, q, p, start, nb, v0, v1, out, c, cx, cy, cz) => smooth(pos, q, p, start, nb, v0, v1, out, c, cx, cy, cz, MODE_LAST),
  };
}

// Parameters: pos q p start nb v0 v1 out (i32), c cx cy cz (f64), mode (i32: which step).
const [POS, Q, P, START, NB, V0, V1, OUT, C, CX, CY, CZ, MODE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const [MODE_TERM, MODE_LAST, MODE_FIRST] = [0, 1, 2];
// Locals: the vertex, its row's ends, the neighbour cursor and its end (byte addresses in nb),
// a neighbour's address in q; running byte addresses of the vertex in q/p, pos, out and of its
// row in start; the mean.
const [V, S, E, A, AE, R, QA, PA, XA, OA, ROW] = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
const [MX, MY, MZ, INV] = [24, 25, 26, 27];

/**
 * The body: smoothVertexRange's loop over v0..v1−1, by MODE its first step, a term or the last
 * step. One function for all, so the last step runs the code the engine has optimised by then
 * (a function called once would run its first, unoptimised compile).
 */
function kernelBody(): number[] {
  const { get, set, i32, f64, advance } = asm;
  const load64 = (at: number[], off: number) => [...at, OP.f64_load, 3, ...uleb(off)];
  const load32f = (at: number[], off: number) => [...at, OP.f32_load, 2, ...uleb(off)];
  const addrOf = (base: number, size: number) => [...get(base), ...get(V0), ...i32(size), OP.i32_mul, OP.i32_add];
  const means = [MX, MY, MZ];
  const centre = [CX, CY, CZ];
  // c·(x − centre) on axis d: x as float32 promoted, as the Float32Array read gives it
  const scaledX = (d: number) => [...get(C), ...load32f(get(XA), 4 * d), OP.f64_promote, ...get(centre[d]), OP.f64_sub, OP.f64_mul];
  const axis = (d: number): number[] => {
    const cx = scaledX(d);
    return [
      ...get(MODE), ...i32(MODE_LAST), OP.i32_eq, OP.if, OP.void,
      // out = c0·(x − centre) + 0.5·(q + mean) − p + centre, rounded to float32
      ...get(OA), ...cx, ...f64(0.5), ...load64(get(QA), 8 * d), ...get(means[d]), OP.f64_add, OP.f64_mul, OP.f64_add,
      ...load64(get(PA), 8 * d), OP.f64_sub, ...get(centre[d]), OP.f64_add, OP.f32_demote, OP.f32_store, 2, ...uleb(4 * d),
      OP.else,
      // p = c·(x − centre) + q + mean − p
      ...get(PA), ...cx, ...load64(get(QA), 8 * d), OP.f64_add, ...get(means[d]), OP.f64_add, ...load64(get(PA), 8 * d), OP.f64_sub, OP.f64_store, 3, ...uleb(8 * d),
      OP.end,
    ];
  };
  // the first step: q = c·(x − centre), p = 0
  const first = (d: number): number[] => [
    ...get(QA), ...scaledX(d), OP.f64_store, 3, ...uleb(8 * d),
    ...get(PA), ...f64(0), OP.f64_store, 3, ...uleb(8 * d),
  ];
  return [
    ...get(START), OP.i32_load, 2, 0, ...set(S),
    ...get(START), ...i32(4), OP.i32_add, ...set(ROW),
    ...get(V0), ...set(V),
    ...addrOf(Q, 24), ...set(QA),
    ...addrOf(P, 24), ...set(PA),
    ...addrOf(POS, 12), ...set(XA),
    ...addrOf(OUT, 12), ...set(OA),
    OP.block, OP.void,
    ...get(V), ...get(V1), OP.i32_ge_s, OP.br_if, 0,
    OP.loop, OP.void,
    ...get(MODE), ...i32(MODE_FIRST), OP.i32_eq, OP.if, OP.void,
    ...first(0), ...first(1), ...first(2),
    OP.else,
    ...get(ROW), OP.i32_load, 2, 0, ...set(E),
    ...get(E), ...get(S), OP.i32_eq,
    OP.if, OP.void,
    // no neighbours: the vertex is its own mean
    ...load64(get(QA), 0), ...set(MX), ...load64(get(QA), 8), ...set(MY), ...load64(get(QA), 16), ...set(MZ),
    OP.else,
    ...f64(0), ...set(MX), ...f64(0), ...set(MY), ...f64(0), ...set(MZ),
    ...get(NB), ...get(S), ...i32(2), OP.i32_shl, OP.i32_add, ...set(A),
    ...get(NB), ...get(E), ...i32(2), OP.i32_shl, OP.i32_add, ...set(AE),
    OP.loop, OP.void,
    // r = q + 24·nb[a]
    ...get(Q), ...get(A), OP.i32_load, 2, 0, ...i32(24), OP.i32_mul, OP.i32_add, ...set(R),
    ...get(MX), ...load64(get(R), 0), OP.f64_add, ...set(MX),
    ...get(MY), ...load64(get(R), 8), OP.f64_add, ...set(MY),
    ...get(MZ), ...load64(get(R), 16), OP.f64_add, ...set(MZ),
    ...get(A), ...i32(4), OP.i32_add, OP.tee, A, ...get(AE), OP.i32_lt_u, OP.br_if, 0,
    OP.end,
    ...f64(1), ...get(E), ...get(S), OP.i32_sub, OP.f64_from_i32, OP.f64_div, ...set(INV),
    ...get(MX), ...get(INV), OP.f64_mul, ...set(MX),
    ...get(MY), ...get(INV), OP.f64_mul, ...set(MY),
    ...get(MZ), ...get(INV), OP.f64_mul, ...set(MZ),
    OP.end,
    ...axis(0), ...axis(1), ...axis(2),
    ...get(E), ...set(S),
    OP.end,
    ...advance(ROW, 4), ...advance(QA, 24), ...advance(PA, 24), ...advance(XA, 12), ...advance(OA, 12),
    ...get(V), ...i32(1), OP.i32_add, OP.tee, V, ...get(V1), OP.i32_lt_s, OP.br_if, 0,
    OP.end,
    OP.end,
  ];
}

/** The module's bytes: one memory imported as env.memory (shared or not), the function `smooth` exported. */
export function kernelBytes(shared: boolean): Uint8Array {
  return oneFunctionModule({ params: [...Array(8).fill(I32), ...Array(4).fill(F64), I32], results: [], locals: [[11, I32], [4, F64]], body: kernelBody(), exportName: 'smooth', shared });
}
