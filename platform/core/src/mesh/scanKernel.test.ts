// The WebAssembly thresholding of 24-bit rows finds scanRow24's transitions, and of 8-bit rows
// scanRow8's, row for row.
import { pairTableFor, scanRow24, scanRow8, words } from './extractSurface';
import { scanKernelBytes, scanRows, scanSourceBuffer } from './scanKernel';

const scanRows24 = (...a: [Uint8Array, Int32Array, number, number, Uint8Array, Int32Array, Int32Array, number]) => scanRows(3, ...a);

let seed = 99;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24);

/** `rows` rows of nx BGR pixels, row j at rowStart[j] (bottom-up when `flip`), runs of grey with some colour. */
function rowsOf(nx: number, rows: number, flip: boolean, colour: number) {
  const stride = 3 * nx + 4 - ((3 * nx) % 4); // 4-byte rows, as BMPs pad them
  const src = new Uint8Array(stride * rows + 8);
  const rowStart = Int32Array.from({ length: rows }, (_, j) => (flip ? rows - 1 - j : j) * stride);
  for (let j = 0; j < rows; j++) {
    let v = random();
    for (let i = 0; i < nx; i++) {
      if (random() < 24) v = random(); // runs of one grey, then another
      const o = rowStart[j] + 3 * i;
      // colour: all three channels apart, or two equal and the third far off (each way round),
      // so that the luma differs from the grey neighbours' and can cross the threshold
      const c = random() < colour ? random() & 3 : -1;
      if (c === 0) src.set([v, random(), (v + 40) & 255], o);
      else if (c === 1) src.set([v, v, (v + 100) & 255], o);
      else if (c === 2) src.set([v, (v + 100) & 255, v], o);
      else if (c === 3) src.set([(v + 160) & 255, v, v], o);
      else src.set([v, v, v], o);
    }
  }
  return { src, rowStart };
}

/** The JavaScript loop's transitions and row starts for the same rows. */
function reference(src: Uint8Array, rowStart: Int32Array, rows: number, nx: number, inside: Uint8Array) {
  const trans = new Int32Array(rows * (nx + 1));
  const start = new Int32Array(rows + 3);
  const src32 = new Uint32Array(src.buffer, 0, src.buffer.byteLength >> 2);
  let n = 0;
  for (let j = 0; j < rows; j++) {
    n = scanRow24(src, src32, rowStart[j], nx, inside, trans, n);
    start[j + 2] = n;
  }
  return { trans: trans.subarray(0, n), start };
}

const interval = (lo: number, hi: number) => Uint8Array.from({ length: 256 }, (_, v) => (v >= lo && v <= hi ? 1 : 0));

test('the modules validate', () => {
  expect(WebAssembly.validate(scanKernelBytes(3))).toBe(true);
  expect(WebAssembly.validate(scanKernelBytes(1))).toBe(true);
});

test.each([
  [1, 3, 0],
  [15, 2, 0],
  [16, 3, 30],
  [17, 4, 30],
  [33, 5, 255],
  [250, 40, 10],
  [1500, 200, 3],
])('rows of %i pixels (%i rows, colour %i/256): scanRow24\'s transitions and row starts, top-down and bottom-up', (nx, rows, colour) => {
  for (const flip of [false, true]) {
    for (const [lo, hi] of [[128, 255], [40, 90], [0, 255], [200, 199], [255, 255]]) {
      const { src, rowStart } = rowsOf(nx, rows, flip, colour);
      const inside = interval(lo, hi);
      const want = reference(src, rowStart, rows, nx, inside);
      const trans = new Int32Array(rows * (nx + 1) + 3).fill(-7);
      const start = new Int32Array(rows + 3);
      const n = scanRows24(src, rowStart, rows, nx, inside, trans, start, 3);
      expect(n).toBe(want.trans.length + 3);
      expect(Array.from(trans.subarray(3, n))).toEqual(Array.from(want.trans));
      expect(Array.from(trans.subarray(0, 3))).toEqual([-7, -7, -7]); // before n: untouched
      expect(Array.from(start.subarray(2), x => x - 3)).toEqual(Array.from(want.start.subarray(2, rows + 2)).concat([-3]));
    }
  }
});

test('some transitions are found (the comparisons are not vacuous), and a table that is not one interval is left to JavaScript', () => {
  const { src, rowStart } = rowsOf(300, 10, false, 20);
  const trans = new Int32Array(10 * 301);
  const n = scanRows24(src, rowStart, 10, 300, interval(100, 180), trans, new Int32Array(13), 0);
  expect(n).toBeGreaterThan(50);
  const twoRuns = interval(10, 20);
  twoRuns[200] = 1;
  expect(scanRows24(src, rowStart, 10, 300, twoRuns, trans, new Int32Array(13), 0)).toBeNull();
});

/** `rows` rows of nx 8-bit codes in 4-byte rows (bottom-up when `flip`), from byte `skew` on: runs of one code, then another. */
function codeRowsOf(nx: number, rows: number, flip: boolean, skew: number) {
  const stride = (nx + 3) & ~3;
  const src = new Uint8Array(skew + stride * rows + 8);
  const rowStart = Int32Array.from({ length: rows }, (_, j) => skew + (flip ? rows - 1 - j : j) * stride);
  for (let j = 0; j < rows; j++) {
    let v = random();
    for (let i = 0; i < nx; i++) {
      if (random() < 24) v = random();
      src[rowStart[j] + i] = v;
    }
  }
  return { src, rowStart };
}

/** scanRow8's transitions and row starts for the same rows (its two-codes-a-step table and all). */
function reference8(src: Uint8Array, rowStart: Int32Array, rows: number, nx: number, inside: Uint8Array) {
  const trans = new Int32Array(rows * (nx + 1));
  const start = new Int32Array(rows + 3);
  const { pairs } = pairTableFor(inside, null);
  const src16 = words(src);
  let n = 0;
  for (let j = 0; j < rows; j++) {
    n = scanRow8(src, src16, rowStart[j], nx, inside, pairs, trans, n);
    start[j + 2] = n;
  }
  return { trans: trans.subarray(0, n), start };
}

test.each([
  [1, 3],
  [15, 2],
  [16, 3],
  [17, 4],
  [33, 5],
  [250, 40],
  [512, 600], // more than one band of rows
])('8-bit rows of %i codes (%i rows): scanRow8\'s transitions and row starts, top-down and bottom-up, at odd offsets', (nx, rows) => {
  for (const flip of [false, true]) {
    for (const skew of [0, 1, 3]) {
      for (const [lo, hi] of [[128, 255], [40, 90], [0, 255], [200, 199], [255, 255], [0, 0]]) {
        const { src, rowStart } = codeRowsOf(nx, rows, flip, skew);
        const inside = interval(lo, hi);
        const want = reference8(src, rowStart, rows, nx, inside);
        const trans = new Int32Array(rows * (nx + 1) + 3).fill(-7);
        const start = new Int32Array(rows + 3);
        const n = scanRows(1, src, rowStart, rows, nx, inside, trans, start, 3);
        expect(n).toBe(want.trans.length + 3);
        expect(Array.from(trans.subarray(3, n))).toEqual(Array.from(want.trans));
        expect(Array.from(trans.subarray(0, 3))).toEqual([-7, -7, -7]);
        expect(Array.from(start.subarray(2), x => x - 3)).toEqual(Array.from(want.start.subarray(2, rows + 2)).concat([-3]));
      }
    }
  }
});

test('8-bit: codes right at the interval\'s ends are inside, one past them outside; a table of two runs is left to JavaScript', () => {
  // 16-code blocks and a tail: lo − 1, lo, hi, hi + 1 at every position of a block
  const nx = 40;
  const src = new Uint8Array(nx);
  for (let i = 0; i < nx; i++) src[i] = [99, 100, 180, 181][i % 4];
  const trans = new Int32Array(nx + 1);
  const start = new Int32Array(4);
  const n = scanRows(1, src, Int32Array.of(0), 1, nx, interval(100, 180), trans, start, 0)!;
  // pixels 4r + 1 (code 100) and 4r + 2 (180) inside: runs [4r + 2, 4r + 4) in padded columns
  expect(Array.from(trans.subarray(0, n))).toEqual(Array.from({ length: nx / 4 }, (_, r) => [4 * r + 2, 4 * r + 4]).flat());
  expect(start[2]).toBe(n);
  const twoRuns = interval(10, 20);
  twoRuns[200] = 1;
  expect(scanRows(1, src, Int32Array.of(0), 1, nx, twoRuns, trans, start, 0)).toBeNull();
});

/** `src` copied into scanSourceBuffer's memory at the same offsets. */
function inKernelMemory(src: Uint8Array): Uint8Array {
  const held = scanSourceBuffer(src.length)!;
  expect(held).not.toBeNull();
  held.set(src);
  return held;
}

test('rows read into the kernels\' memory (scanSourceBuffer) are scanned where they are: the same transitions, 24-bit and 8-bit, and the bytes stay as read', () => {
  for (const [nx, rows] of [[1500, 120], [17, 4]]) {
    const { src, rowStart } = rowsOf(nx, rows, true, 10);
    const inside = interval(100, 180);
    const want = reference(src, rowStart, rows, nx, inside);
    const held = inKernelMemory(src);
    const trans = new Int32Array(rows * (nx + 1));
    const start = new Int32Array(rows + 3);
    const n = scanRows24(held, rowStart, rows, nx, inside, trans, start, 0)!;
    expect(want.trans.length).toBeGreaterThan(2); // something to find
    expect(Array.from(trans.subarray(0, n))).toEqual(Array.from(want.trans));
    expect(Array.from(start.subarray(2, rows + 2))).toEqual(Array.from(want.start.subarray(2, rows + 2)));
    expect(Buffer.compare(held, src)).toBe(0); // not written over
  }
  // the 8-bit kernel reads the same memory
  const { src, rowStart } = codeRowsOf(250, 40, true, 1);
  const inside = interval(40, 90);
  const want = reference8(src, rowStart, 40, 250, inside);
  const trans = new Int32Array(40 * 251);
  const n = scanRows(1, inKernelMemory(src), rowStart, 40, 250, inside, trans, new Int32Array(43), 0)!;
  expect(Array.from(trans.subarray(0, n))).toEqual(Array.from(want.trans));
});

test('a source in the kernels\' memory whose scan needs more room than was left after it: the memory grows and the rows are still read right', () => {
  // one code a row: a band of 2^18 rows, whose offsets, ends and transitions take 4 MB
  const rows = 300_000;
  const { src, rowStart } = codeRowsOf(1, rows, false, 0);
  const inside = interval(128, 255);
  const want = reference8(src, rowStart, rows, 1, inside);
  const held = inKernelMemory(src);
  const trans = new Int32Array(rows * 2);
  const start = new Int32Array(rows + 3);
  const n = scanRows(1, held, rowStart, rows, 1, inside, trans, start, 0)!;
  expect(held.length).toBe(0); // detached: the memory grew during the scan
  expect(n).toBe(want.trans.length);
  expect(Array.from(trans.subarray(0, n))).toEqual(Array.from(want.trans));
  expect(Array.from(start.subarray(2, rows + 2))).toEqual(Array.from(want.start.subarray(2, rows + 2)));
});

test('a source larger than the kernels\' memory can grow to: null (the reader reads into memory of its own)', () => {
  expect(scanSourceBuffer(2 ** 32)).toBeNull();
  expect(scanSourceBuffer(16)).not.toBeNull(); // and the memory still serves
});
