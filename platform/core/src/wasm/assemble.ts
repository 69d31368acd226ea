// A few WebAssembly instructions and the module layout core's kernels need (the smoothing
// terms, the 24-bit BMP row to grey), assembled from TypeScript: no toolchain at build time and
// no binary in the repository. Each kernel is one exported function over one imported memory
// (env.memory) and is tested bit for bit against the JavaScript loop it replaces.

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Opcodes (MVP, and the fixed-width SIMD ones, prefixed by 0xfd, as [0xfd, ...uleb(n)]). */
export const OP = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, br_if: 0x0d, return: 0x0f, void: 0x40,
  get: 0x20, set: 0x21, tee: 0x22,
  i32_load: 0x28, f32_load: 0x2a, f64_load: 0x2b, i32_load8_u: 0x2d, i32_store: 0x36, f32_store: 0x38, f64_store: 0x39, i32_store8: 0x3a,
  i32_const: 0x41, f64_const: 0x44,
  i32_eqz: 0x45, i32_eq: 0x46, i32_ne: 0x47, i32_lt_s: 0x48, i32_lt_u: 0x49, i32_gt_s: 0x4a, i32_le_s: 0x4c, i32_ge_s: 0x4e,
  i32_ctz: 0x68, i32_popcnt: 0x69, i32_add: 0x6a, i32_sub: 0x6b, i32_mul: 0x6c, i32_and: 0x71, i32_or: 0x72, i32_xor: 0x73, i32_shl: 0x74, i32_shr_u: 0x76,
  f64_add: 0xa0, f64_sub: 0xa1, f64_mul: 0xa2, f64_div: 0xa3,
  f32_demote: 0xb6, f64_from_i32: 0xb7, f64_promote: 0xbb,
} as const;

/** SIMD instructions: their bytes (prefix and index). */
export const SIMD = {
  load: simd(0x00), store: simd(0x0b), shuffle: simd(0x0d), i8x16_splat: simd(0x0f), i8x16_eq: simd(0x23), i8x16_le_u: simd(0x2a), i8x16_ge_u: simd(0x2c), and: simd(0x4e), all_true: simd(0x63), bitmask: simd(0x64),
};
function simd(n: number): number[] {
  return [0xfd, ...uleb(n)];
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

export const f64Bytes = (x: number) => [...new Uint8Array(new Float64Array([x]).buffer)];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => [...uleb(s.length), ...[...s].map(c => c.charCodeAt(0))];

/** Instruction helpers: local access, constants, memory access with an alignment and offset. */
export const asm = {
  get: (i: number) => [OP.get, i],
  set: (i: number) => [OP.set, i],
  tee: (i: number) => [OP.tee, i],
  i32: (n: number) => [OP.i32_const, ...sleb(n)],
  f64: (x: number) => [OP.f64_const, ...f64Bytes(x)],
  /** `op` with its memarg: log2 of the alignment, then the offset. */
  mem: (op: number | number[], align: number, offset = 0) => [...(typeof op === 'number' ? [op] : op), align, ...uleb(offset)],
  /** local += by (i32) */
  advance: (local: number, by: number) => [OP.get, local, OP.i32_const, ...sleb(by), OP.i32_add, OP.set, local],
};

/**
 * A module of one function: `params` and `results` (value types), `locals` as [count, type]
 * runs, `body` its instructions (without the final end), exported as `exportName`; its memory
 * imported as env.memory, shared (with a maximum of `maxPages`) or not.
 */
export function oneFunctionModule(spec: {
  params: number[];
  results: number[];
  locals: Array<[number, number]>;
  body: number[];
  exportName: string;
  shared: boolean;
  maxPages?: number;
}): Uint8Array {
  const type = [0x60, ...vec(spec.params.map(t => [t])), ...vec(spec.results.map(t => [t]))];
  const code = [...vec(spec.locals.map(([n, t]) => [...uleb(n), t])), ...spec.body, OP.end];
  // limits: 0x03 = shared with a maximum; 0x00 = a minimum only
  const limits = spec.shared ? [0x03, 1, ...uleb(spec.maxPages ?? 32768)] : [0x00, 1];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name(spec.exportName), 0x00, 0]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

// The WebAssembly JS API members core uses (its lib has no DOM or WebAssembly types).
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  compile?: (bytes: Uint8Array) => Promise<object>;
}
export const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** A WebAssembly page (bytes): memories are made and grown by whole pages. */
export const WASM_PAGE_BYTES = 65536;

/** The pages that hold `bytes` (at least one). */
export function wasmPages(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
}

/**
 * A memory of at least `bytes`, growable to `maximumPages`; null where there is no WebAssembly
 * or the engine refuses it (address space, memory), and the caller does without.
 */
export function newWasmMemory(bytes: number, maximumPages: number, shared = false): WasmMemory | null {
  if (!WA) return null;
  try {
    return new WA.Memory({ initial: wasmPages(bytes), maximum: maximumPages, shared });
  } catch {
    return null;
  }
}

/** compileOnce's compilers, in the order their modules were loaded (see compileKernelsAhead). */
const compilers: Array<() => void> = [];

/**
 * A compiler of `bytes()` that tries once: null where WebAssembly is missing or refused (a page
 * whose Content-Security-Policy lacks 'wasm-unsafe-eval'), and the callers run JavaScript.
 */
export function compileOnce(bytes: () => Uint8Array): () => object | null {
  let module: object | null | undefined;
  let ahead = false;
  compilers.push(() => {
    if (module !== undefined || ahead || !WA?.compile) return;
    ahead = true;
    WA.compile(bytes()).then(
      m => void (module ??= m),
      () => undefined, // refused: the first use compiles and finds out
    );
  });
  return () => {
    if (module === undefined) {
      try {
        module = WA ? new WA.Module(bytes()) : null;
      } catch {
        module = null;
      }
    }
    return module;
  };
}

/**
 * Starts compiling every kernel module of the modules loaded so far, off this thread (the
 * engine compiles WebAssembly.compile's bytes on its own threads), for a thread that waits before
 * its work: a mesh thread booted while the files' headers are read compiled its analysis's six
 * modules on first use, 9–15 ms with both threads at it. A module still compiling when first
 * used is compiled there as before.
 */
export function compileKernelsAhead(): void {
  for (const start of compilers) start();
}

/** The exported function of `module` on `memory`. */
export function instantiate<F>(module: object, memory: WasmMemory, exportName: string): F {
  return new WA!.Instance(module, { env: { memory } }).exports[exportName] as F;
}

/**
 * Items (triangles, vertices) per call of a kernel loop over a long range. V8 moves a
 * WebAssembly function to its optimising tier between calls, not during one: one call over a
 * thread's whole range ran in the baseline tier (smoothing's first term took 38–42 ms against
 * 7–8 for the later ones, on the 512×512×400 phantom's 370,000 vertices a thread).
 */
export const KERNEL_CALL_ITEMS = 1 << 15;

/** call(a, b) for the consecutive ranges [a, b) that cover [from, to), in order, KERNEL_CALL_ITEMS at most each. */
export function inKernelCalls(from: number, to: number, call: (a: number, b: number) => void): void {
  for (let a = from; a < to; a += KERNEL_CALL_ITEMS) call(a, Math.min(to, a + KERNEL_CALL_ITEMS));
}

/**
 * A kernel for this thread on a memory that grows as asked, made on first use: its own, or
 * `memory()`'s (kernels that read one another's bytes share one). `get()` is null where the
 * module does not compile. Safe to keep between calls because the kernels are synchronous: no
 * two calls on one thread overlap.
 */
export function threadKernel<F>(compiled: () => object | null, exportName: string, memory: () => WasmMemory = () => new WA!.Memory({ initial: 1 })) {
  let kernel: { memory: WasmMemory; run: F } | null | undefined;
  return {
    get(): { run: F; heap: (bytes: number) => ArrayBuffer } | null {
      if (kernel === undefined) {
        const m = compiled();
        if (m && WA) {
          const mem = memory();
          kernel = { memory: mem, run: instantiate<F>(m, mem, exportName) };
        } else kernel = null;
      }
      if (!kernel) return null;
      const k = kernel;
      return {
        run: k.run,
        /** The memory's buffer, grown to at least `bytes` first (a grown memory has a new buffer). */
        heap: bytes => {
          if (k.memory.buffer.byteLength < bytes) k.memory.grow(Math.ceil((bytes - k.memory.buffer.byteLength) / WASM_PAGE_BYTES));
          return k.memory.buffer as ArrayBuffer;
        },
      };
    },
  };
}
