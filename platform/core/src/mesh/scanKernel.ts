// The thresholding of BMP rows straight from the file's bytes (the fused decode + threshold of
// the threaded mesh path) as WebAssembly SIMD loops, sixteen pixels a step:
// - 24-bit BGR rows (scanRow24's transitions): split into B, G, R by byte shuffles; a grey block
//   (B = G = R, what captures of a scanner's viewer mostly are) is inside where lo ≤ G ≤ hi,
//   sixteen compares at once, and a block with colour takes each pixel's integer luma through
//   the `inside` table;
// - 8-bit palette codes (scanRow8's): inside where lo ≤ code ≤ hi, the codes' table being that
//   interval (a grey palette's, either way round).
// The same transitions as the JavaScript loops (scanKernel.test.ts; meshThreads.test.ts meshes
// 8-bit and coloured 24-bit BMPs both ways).
import { asm, compileOnce, I32, OP, oneFunctionModule, SIMD, threadKernel, V128, WA, type WasmMemory } from '../wasm/assemble';
import { load16Bgr } from '../wasm/bgr';

/**
 * `rows` rows of `nx` pixels, row r's first byte at i32 offs[r]: their transitions (padded
 * columns, scanRow24's) from byte `trans` on, the running count after each row at ends[r];
 * returns the count. `inside` is the 256-byte table, [lo, hi] the interval it holds.
 */
type ScanFn = (offs: number, rows: number, nx: number, lo: number, hi: number, inside: number, trans: number, ends: number) => number;

const [OFFS, ROWS, NX, LO, HI, INSIDE, TRANS, ENDS] = [0, 1, 2, 3, 4, 5, 6, 7];
const [Y, S, I, PREV, M, T, COUNT, P, G] = [8, 9, 10, 11, 12, 13, 14, 15, 16];
const [V0, V1, V2, VB, VG, VR, VLO, VHI] = [17, 18, 19, 20, 21, 22, 23, 24];

/** The kernel's body for rows of `step`-byte pixels: 3 (BGR) or 1 (8-bit codes). */
function scanBody(step: 1 | 3): number[] {
  const { get, set, tee, i32, mem, advance } = asm;
  // inside[the code at byte S + p]
  const insideOfCode = (p: number[]) => [...get(INSIDE), ...get(S), ...p, OP.i32_add, ...mem(OP.i32_load8_u, 0, 0), OP.i32_add, ...mem(OP.i32_load8_u, 0, 0)];
  // inside[luma of the pixel at byte S + 3p] (the decoders' grey: exactly G where B = G = R)
  const insideOfBgr = (p: number[]) => [
    ...get(INSIDE),
    ...i32(7471), ...get(S), ...p, OP.i32_add, ...mem(OP.i32_load8_u, 0, 0), OP.i32_mul,
    ...i32(38470), ...get(S), ...p, OP.i32_add, ...mem(OP.i32_load8_u, 0, 1), OP.i32_mul, OP.i32_add,
    ...i32(19595), ...get(S), ...p, OP.i32_add, ...mem(OP.i32_load8_u, 0, 2), OP.i32_mul, OP.i32_add,
    ...i32(32768), OP.i32_add, ...i32(16), OP.i32_shr_u, OP.i32_add, ...mem(OP.i32_load8_u, 0, 0),
  ];
  const inInterval = [...get(VG), ...get(VLO), ...SIMD.i8x16_ge_u, ...get(VG), ...get(VHI), ...SIMD.i8x16_le_u, ...SIMD.and, ...SIMD.bitmask, ...set(M)];
  // trans[count++] = column
  const push = (column: number[]) => [...get(TRANS), ...get(COUNT), ...i32(2), OP.i32_shl, OP.i32_add, ...column, ...mem(OP.i32_store, 2, 0), ...advance(COUNT, 1)];
  return [
    ...get(LO), ...SIMD.i8x16_splat, ...set(VLO), ...get(HI), ...SIMD.i8x16_splat, ...set(VHI),
    ...i32(0), ...set(COUNT), ...i32(0), ...set(Y),
    OP.block, OP.void,
    OP.loop, OP.void,
    ...get(Y), ...get(ROWS), OP.i32_ge_s, OP.br_if, 1,
    ...get(OFFS), ...get(Y), ...i32(2), OP.i32_shl, OP.i32_add, ...mem(OP.i32_load, 2, 0), ...set(S),
    ...i32(0), ...set(I), ...i32(0), ...set(PREV),
    // sixteen pixels at a time
    OP.block, OP.void,
    OP.loop, OP.void,
    ...get(I), ...i32(16), OP.i32_add, ...get(NX), OP.i32_gt_s, OP.br_if, 1,
    // grey (or codes): inside where lo ≤ G ≤ hi, bit p of M for pixel p
    ...(step === 1
      ? [...get(S), ...mem(SIMD.load, 0, 0), ...set(VG), ...inInterval]
      : [
          ...load16Bgr(S, { v0: V0, v1: V1, v2: V2, b: VB, g: VG, r: VR }),
          OP.if, OP.void,
          ...inInterval,
          OP.else,
          // colour: each pixel's luma through the table
          ...i32(0), ...set(M), ...i32(0), ...set(P),
          OP.loop, OP.void,
          ...get(M), ...insideOfBgr([...get(P), ...i32(3), OP.i32_mul]), ...get(P), OP.i32_shl, OP.i32_or, ...set(M),
          ...get(P), ...i32(1), OP.i32_add, OP.tee, P, ...i32(16), OP.i32_lt_s, OP.br_if, 0,
          OP.end,
          OP.end,
        ]),
    // transitions: the bits where M differs from the bit before it (PREV before bit 0)
    ...get(M), ...get(M), ...i32(1), OP.i32_shl, ...get(PREV), OP.i32_or, OP.i32_xor, ...i32(0xffff), OP.i32_and, ...set(T),
    OP.block, OP.void,
    OP.loop, OP.void,
    ...get(T), OP.i32_eqz, OP.br_if, 1,
    ...push([...get(I), ...get(T), OP.i32_ctz, OP.i32_add, ...i32(1), OP.i32_add]),
    ...get(T), ...get(T), ...i32(1), OP.i32_sub, OP.i32_and, ...set(T),
    OP.br, 0,
    OP.end,
    OP.end,
    ...get(M), ...i32(15), OP.i32_shr_u, ...set(PREV),
    ...advance(S, 16 * step), ...advance(I, 16),
    OP.br, 0,
    OP.end,
    OP.end,
    // the last pixels, one at a time
    OP.block, OP.void,
    OP.loop, OP.void,
    ...get(I), ...get(NX), OP.i32_ge_s, OP.br_if, 1,
    ...(step === 1 ? insideOfCode(i32(0)) : insideOfBgr(i32(0))), ...tee(G), ...get(PREV), OP.i32_ne,
    OP.if, OP.void,
    ...push([...get(I), ...i32(1), OP.i32_add]),
    ...get(G), ...set(PREV),
    OP.end,
    ...advance(S, step), ...advance(I, 1),
    OP.br, 0,
    OP.end,
    OP.end,
    // a run to the row's end closes at the padding
    ...get(PREV),
    OP.if, OP.void,
    ...push([...get(NX), ...i32(1), OP.i32_add]),
    OP.end,
    ...get(ENDS), ...get(Y), ...i32(2), OP.i32_shl, OP.i32_add, ...get(COUNT), ...mem(OP.i32_store, 2, 0),
    ...advance(Y, 1),
    OP.br, 0,
    OP.end,
    OP.end,
    ...get(COUNT),
  ];
}

/** The module for rows of `step`-byte pixels (exported for its validation test). */
export function scanKernelBytes(step: 1 | 3 = 3): Uint8Array {
  return oneFunctionModule({ params: Array(8).fill(I32), results: [I32], locals: [[9, I32], [8, V128]], body: scanBody(step), exportName: 'scan', shared: false });
}

// Both kernels on one memory: a file read into it (scanSourceBuffer) is scanned where it is,
// whichever its pixels' size.
let memory: WasmMemory | undefined;
const scanMemory = () => (memory ??= new WA!.Memory({ initial: 1 }));
const kernels = { 1: threadKernel<ScanFn>(compileOnce(() => scanKernelBytes(1)), 'scan', scanMemory), 3: threadKernel<ScanFn>(compileOnce(() => scanKernelBytes(3)), 'scan', scanMemory) };

const BAND_BYTES = 256 * 1024;
/** Room left after a source in the memory for scanRows' tables (a 1500-pixel BGR band's take 350 KB). */
const SCRATCH_BYTES = 2 << 20;

/** The interval [lo, hi] a 256-entry table holds (lo > hi: none), or null if it holds another set. */
function intervalOf(inside: Uint8Array): [number, number] | null {
  let lo = 0;
  while (lo < 256 && !inside[lo]) lo++;
  if (lo === 256) return [1, 0];
  let hi = lo;
  while (hi < 255 && inside[hi + 1]) hi++;
  for (let v = hi + 1; v < 256; v++) if (inside[v]) return null;
  return [lo, hi];
}

/**
 * `bytes` bytes of the kernels' memory for a file to be read into, so that scanRows reads its
 * rows where they are: on a 1500×1000 BGR capture, copying each slice's 4.5 MB into the memory
 * took a third as long as scanning it. Valid until the next call on this thread (or null where
 * the kernels cannot run or their memory cannot grow that far: read into memory of your own).
 */
export function scanSourceBuffer(bytes: number): Uint8Array | null {
  const k = kernels[3].get() ?? kernels[1].get();
  if (!k) return null;
  try {
    return new Uint8Array(k.heap(bytes + SCRATCH_BYTES), 0, bytes);
  } catch {
    return null; // more than the memory can grow to (wasm32: 4 GiB)
  }
}

/**
 * scanRow24 (step 3) or scanRow8 (step 1) for rows 0..rows−1 of nx pixels, row j's first byte
 * at src[rowStart[j]]: appends their transitions to trans from index n and sets start[j + 2] to
 * the count after row j; returns the new count. Null (nothing written) where the kernel cannot
 * run it: no WebAssembly or its SIMD, or a table that is not one interval of values. `src` in
 * scanSourceBuffer's memory is read where it is (and may be detached after: the memory can grow).
 */
export function scanRows(step: 1 | 3, src: Uint8Array, rowStart: Int32Array, rows: number, nx: number, inside: Uint8Array, trans: Int32Array, start: Int32Array, n: number): number | null {
  const interval = intervalOf(inside);
  const k = interval && nx > 0 ? kernels[step].get() : null;
  if (!k || !interval) return null;
  const rowBytes = step * nx;
  const band = Math.max(1, Math.min(rows, Math.floor(BAND_BYTES / rowBytes)));
  // A source already in the memory stays where it is, the tables after it; any other is
  // copied in a band at a time after the tables.
  const inPlace = src.buffer === k.heap(0);
  const srcAt = src.byteOffset; // (a grown memory detaches src: its offset is kept here)
  // memory: the table, the band's row offsets and ends, its transitions (at most nx + 1 a row), then its bytes
  const tableAt = inPlace ? (srcAt + src.length + 15) & ~15 : 0;
  const offsAt = tableAt + 256;
  const endsAt = offsAt + 4 * band;
  const transAt = endsAt + 4 * band;
  const bytesAt = transAt + 4 * band * (nx + 1);
  for (let y = 0; y < rows; y += band) {
    const count = Math.min(band, rows - y);
    let buffer: ArrayBuffer;
    let rowAt: number; // where in the memory src[0] is
    if (inPlace) {
      buffer = k.heap(bytesAt);
      rowAt = srcAt;
    } else {
      let first = Infinity;
      let last = -Infinity;
      for (let j = y; j < y + count; j++) {
        first = Math.min(first, rowStart[j]);
        last = Math.max(last, rowStart[j] + rowBytes);
      }
      buffer = k.heap(bytesAt + (last - first) + 16);
      new Uint8Array(buffer).set(src.subarray(first, last), bytesAt);
      rowAt = bytesAt - first;
    }
    new Uint8Array(buffer).set(inside.subarray(0, 256), tableAt);
    const offs = new Int32Array(buffer, offsAt, count);
    for (let j = 0; j < count; j++) offs[j] = rowAt + rowStart[y + j];
    const total = k.run(offsAt, count, nx, interval[0], interval[1], tableAt, transAt, endsAt);
    trans.set(new Int32Array(buffer, transAt, total), n);
    const ends = new Int32Array(buffer, endsAt, count);
    for (let j = 0; j < count; j++) start[y + j + 2] = n + ends[j];
    n += total;
  }
  return n;
}
