// 24-bit BGR rows → 8-bit grey (decodeBmpGrey's conversion) as a WebAssembly SIMD loop:
// sixteen pixels at a time, split into B, G and R by six byte shuffles; where all sixteen are
// grey (B = G = R, the usual case for captures of a scanner's viewer) their G bytes are the
// output; a block with colour goes pixel by pixel through the integer luma. The same values as
// the JavaScript loop (bmp.test.ts compares them on every kind of row), in about a fifth of its
// time on the 2 GB captures' 1500-pixel rows.
import { asm, compileOnce, I32, OP, oneFunctionModule, SIMD, threadKernel, V128 } from '../wasm/assemble';
import { load16Bgr } from '../wasm/bgr';

/**
 * `rows` rows of `n` BGR pixels, the first at byte `src`, each next `step` bytes on (negative
 * for a bottom-up BMP) → rows × n grey bytes from `dst`; returns how many pixels had colour.
 */
type SliceFn = (src: number, step: number, dst: number, n: number, rows: number) => number;

// Parameters and locals.
const [SRC, STEP, DST, N, ROWS] = [0, 1, 2, 3, 4];
const [I, S, D, COL, B, G, R, P, Y, ROW] = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
const [V0, V1, V2, VB, VG, VR] = [15, 16, 17, 18, 19, 20];

function sliceBody(): number[] {
  const { get, set, i32, mem, advance } = asm;
  const load8 = (off: number) => [...get(S), ...mem(OP.i32_load8_u, 0, off)];
  // One pixel at S → D, both advanced: grey if B = G = R, else the integer luma (and counted).
  const pixel = [
    ...load8(0), ...set(B), ...load8(1), ...set(G), ...load8(2), ...set(R),
    ...get(B), ...get(G), OP.i32_xor, ...get(G), ...get(R), OP.i32_xor, OP.i32_or, OP.i32_eqz,
    OP.if, OP.void,
    ...get(D), ...get(G), ...mem(OP.i32_store8, 0),
    OP.else,
    ...get(D),
    ...i32(19595), ...get(R), OP.i32_mul, ...i32(38470), ...get(G), OP.i32_mul, OP.i32_add, ...i32(7471), ...get(B), OP.i32_mul, OP.i32_add, ...i32(32768), OP.i32_add,
    ...i32(16), OP.i32_shr_u, ...mem(OP.i32_store8, 0),
    ...advance(COL, 1),
    OP.end,
    ...advance(S, 3), ...advance(D, 1),
  ];
  return [
    ...get(SRC), ...set(ROW), ...get(DST), ...set(D), ...i32(0), ...set(COL), ...i32(0), ...set(Y),
    OP.block, OP.void,
    OP.loop, OP.void,
    // each row: while Y < ROWS
    ...get(Y), ...get(ROWS), OP.i32_ge_s, OP.br_if, 1,
    ...get(ROW), ...set(S), ...i32(0), ...set(I),
    OP.block, OP.void,
    OP.loop, OP.void,
    // while I + 16 ≤ N
    ...get(I), ...i32(16), OP.i32_add, ...get(N), OP.i32_gt_s, OP.br_if, 1,
    ...load16Bgr(S, { v0: V0, v1: V1, v2: V2, b: VB, g: VG, r: VR }),
    OP.if, OP.void,
    ...get(D), ...get(VG), ...mem(SIMD.store, 0, 0),
    ...advance(S, 48), ...advance(D, 16),
    OP.else,
    // colour among these sixteen: pixel by pixel
    ...i32(16), ...set(P),
    OP.loop, OP.void,
    ...pixel,
    ...get(P), ...i32(-1), OP.i32_add, OP.tee, P, OP.br_if, 0,
    OP.end,
    OP.end,
    ...advance(I, 16),
    OP.br, 0,
    OP.end,
    OP.end,
    // the last pixels, fewer than sixteen
    OP.block, OP.void,
    OP.loop, OP.void,
    ...get(I), ...get(N), OP.i32_ge_s, OP.br_if, 1,
    ...pixel,
    ...advance(I, 1),
    OP.br, 0,
    OP.end,
    OP.end,
    // the next row
    ...get(ROW), ...get(STEP), OP.i32_add, ...set(ROW),
    ...advance(Y, 1),
    OP.br, 0,
    OP.end,
    OP.end,
    ...get(COL),
  ];
}

export function greyKernelBytes(): Uint8Array {
  return oneFunctionModule({ params: [I32, I32, I32, I32, I32], results: [I32], locals: [[10, I32], [6, V128]], body: sliceBody(), exportName: 'slice', shared: false });
}

const kernel = threadKernel<SliceFn>(compileOnce(greyKernelBytes), 'slice');

/**
 * Converts `rows` rows of `n` BGR pixels of `bytes`, row y's first pixel at byte s0 + y·step
 * (step negative for a bottom-up BMP), into out[d…] (rows × n bytes); returns how many pixels had
 * colour, or null where WebAssembly (or its SIMD) is not available: the caller's JavaScript
 * loop converts then. The rows go through the kernel's memory in bands of about 256 KiB of
 * input (one copy in, one out per band), so the memory stays small: it lives as long as the
 * thread (a browser's decode worker counts against the tab's memory).
 */
export function greyRows(bytes: Uint8Array, s0: number, step: number, rows: number, n: number, out: Uint8Array, d: number): number | null {
  const k = kernel.get();
  if (!k) return null;
  const stride = Math.abs(step);
  const band = Math.max(1, Math.min(rows, Math.floor(BAND_BYTES / Math.max(stride, 3 * n))));
  const heap = new Uint8Array(k.heap((band - 1) * stride + 3 * n + 16 + band * n + 16));
  let coloured = 0;
  for (let y = 0; y < rows; y += band) {
    const count = Math.min(band, rows - y);
    const s = s0 + y * step;
    // the bytes from the band's lowest row's first pixel to the end of its highest row's last
    const first = step < 0 ? s + (count - 1) * step : s;
    const last = (step < 0 ? s : s + (count - 1) * step) + 3 * n;
    const dst = last - first + 16;
    heap.set(bytes.subarray(first, last), 0);
    coloured += k.run(s - first, step, dst, n, count);
    out.set(heap.subarray(dst, dst + count * n), d + y * n);
  }
  return coloured;
}

const BAND_BYTES = 256 * 1024;
