// The WebAssembly thresholding of 24-bit rows finds scanRow24's transitions, row for row.
import { scanRow24 } from './extractSurface';
import { scanKernelBytes, scanRows24 } from './scanKernel';

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

test('the module validates', () => {
  expect(WebAssembly.validate(scanKernelBytes())).toBe(true);
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
