// The WebAssembly row conversion gives JavaScript's grey bytes and colour count, row for row.
import { bgrRowsToGrey } from './bmp';
import { greyKernelBytes, greyRows } from './greyKernel';

let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24);

/** A colour: two channels equal and the third not (each way round), or all three different. */
function colour(k: number): [number, number, number] {
  const a = random();
  const b = (a + 1 + (random() % 254)) & 255; // never a
  return ([[a, b, a], [a, a, b], [b, a, a], [a, b, (b + 1 + (random() % 254)) & 255 || 1]] as Array<[number, number, number]>)[k % 4];
}

/** A BGR row of n pixels: grey, with colour at the given pixels (or at random ones). */
function row(n: number, colourAt: (p: number) => boolean): Uint8Array {
  const bytes = new Uint8Array(3 * n + 7); // slack after the row: the loops must not read it
  bytes.fill(0xee);
  for (let p = 0; p < n; p++) {
    const g = random();
    bytes.set(colourAt(p) ? colour(p + random()) : [g, g, g], 3 * p);
  }
  return bytes;
}

function both(bytes: Uint8Array, s: number, n: number) {
  const fromJs = new Uint8Array(n + 8);
  const fromWasm = new Uint8Array(n + 8);
  const jsColoured = bgrRowsToGrey(bytes, fromJs, 3)(s, 0, n);
  const wasmColoured = greyRows(bytes, s, 0, 1, n, fromWasm, 0)!;
  return { fromJs, fromWasm, jsColoured, wasmColoured };
}

test('the module validates', () => {
  expect(WebAssembly.validate(greyKernelBytes())).toBe(true);
});

test('grey rows, and rows with colour at each place of a sixteen-pixel block: JavaScript\'s bytes and count', () => {
  for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 50, 1500]) {
    const cases: Array<(p: number) => boolean> = [() => false, () => true, () => random() < 40];
    for (let at = 0; at < 18; at++) cases.push(p => p === at || p === n - 1 - at);
    for (const colourAt of cases) {
      const bytes = row(n, colourAt);
      const r = both(bytes, 0, n);
      expect(Buffer.from(r.fromWasm).equals(Buffer.from(r.fromJs))).toBe(true);
      expect(r.wasmColoured).toBe(r.jsColoured);
    }
  }
  // the colour count is not vacuous
  const mixed = both(row(40, p => p % 3 === 0), 0, 40);
  expect(mixed.wasmColoured).toBe(14);
  expect(mixed.jsColoured).toBe(14);
});

test('one coloured pixel in uniform grey, at each place of a block, two of its channels the grey\'s: not taken for grey', () => {
  // a lane read from the wrong byte would see the same grey there and call the block grey
  for (let at = 0; at < 16; at++) {
    for (const c of [[90, 60, 60], [60, 90, 60], [60, 60, 90]]) {
      const bytes = new Uint8Array(3 * 32).fill(60);
      bytes.set(c, 3 * at);
      const r = both(bytes, 0, 32);
      expect(r.wasmColoured).toBe(1);
      expect(Buffer.from(r.fromWasm).equals(Buffer.from(r.fromJs))).toBe(true);
    }
  }
});

test('a row that starts part-way into the bytes (a crop), and wider rows after narrower ones', () => {
  const bytes = row(2000, p => p % 97 === 5);
  for (const [s, n] of [[3 * 7, 1500], [3 * 210, 1777], [0, 2000], [3 * 1999, 1]]) {
    const r = both(bytes, s, n);
    expect(Buffer.from(r.fromWasm).equals(Buffer.from(r.fromJs))).toBe(true);
    expect(r.wasmColoured).toBe(r.jsColoured);
  }
  const wide = row(40_000, () => false);
  const r = both(wide, 0, 40_000); // grows the kernel's memory
  expect(Buffer.from(r.fromWasm).equals(Buffer.from(r.fromJs))).toBe(true);
});

test('several rows in one call, top-down and bottom-up (a negative step), cropped: JavaScript\'s rows', () => {
  const stride = 3 * 41 + 1; // a padded row of 41 pixels
  const bytes = row(Math.ceil((7 * stride) / 3), p => p % 11 === 3);
  for (const [s0, step] of [[3 * 2, stride], [6 * stride + 3 * 2, -stride]]) {
    const fromWasm = new Uint8Array(5 * 37);
    const fromJs = new Uint8Array(5 * 37);
    const coloured = greyRows(bytes, s0, step, 5, 37, fromWasm, 0);
    const js = bgrRowsToGrey(bytes, fromJs, 3);
    let jsColoured = 0;
    for (let y = 0; y < 5; y++) jsColoured += js(s0 + y * step, 37 * y, 37);
    expect(Buffer.from(fromWasm).equals(Buffer.from(fromJs))).toBe(true);
    expect(coloured).toBe(jsColoured);
    expect(coloured).toBeGreaterThan(0);
  }
});

test('a slice larger than one band goes through in bands: every row converted once, in place', () => {
  const n = 10_000;
  const stride = 3 * n + 2; // eight or so rows a band
  const rows = 29;
  const bytes = row(Math.ceil((rows * stride) / 3), p => p % 1234 === 17);
  for (const [s0, step] of [[0, stride], [(rows - 1) * stride, -stride]]) {
    const fromWasm = new Uint8Array(rows * n + 5).fill(0xab);
    const fromJs = new Uint8Array(rows * n + 5).fill(0xab);
    const coloured = greyRows(bytes, s0, step, rows, n, fromWasm, 5);
    const js = bgrRowsToGrey(bytes, fromJs, 3);
    let jsColoured = 0;
    for (let y = 0; y < rows; y++) jsColoured += js(s0 + y * step, 5 + n * y, n);
    expect(Buffer.from(fromWasm).equals(Buffer.from(fromJs))).toBe(true);
    expect(coloured).toBe(jsColoured);
  }
});
