// Lying headers and damaged files: whatever the bytes, decoding either returns a consistent
// image or throws an ImageStackError (never a RangeError, a TypeError or a hang), and never
// allocates for sizes the limit refuses.
import { lcg, writeBmp, type BmpSpec } from '../../../../tests/fixtures/images/bmpWriter';
import { ImageStackError } from '../errors';
import { decodeImage, probeImage } from './decodeImage';

const rnd = lcg(2026);
const w = 13;
const h = 7;
const values = Array.from({ length: w * h }, (_, i) => (i * 7) % 16);
const palette16: [number, number, number][] = Array.from({ length: 16 }, (_, i) => [i * 16, i, 255 - i]);
const specs: BmpSpec[] = [
  { width: w, height: h, bitCount: 24, rgb: Uint8Array.from({ length: w * h * 3 }, (_, i) => i & 255) },
  { width: w, height: h, bitCount: 8, palette: palette16, values },
  { width: w, height: h, bitCount: 8, compression: 'rle8', palette: palette16, values, useDelta: true },
  { width: w, height: h, bitCount: 4, compression: 'rle4', palette: palette16, values, useDelta: true },
  { width: w, height: h, bitCount: 1, palette: [[0, 0, 0], [255, 255, 255]], values: values.map(v => v & 1) },
  { width: w, height: h, bitCount: 16, compression: 'bitfields', masks: { r: 0xf800, g: 0x7e0, b: 0x1f }, values },
  { width: w, height: h, bitCount: 32, header: 'v5', compression: 'bitfields', masks: { r: 0xff0000, g: 0xff00, b: 0xff, a: 0xff000000 }, values },
  { width: w, height: h, bitCount: 4, header: 'core', palette: palette16, values },
];

function check(bytes: Uint8Array, maxPixels = 1 << 20): 'ok' | 'refused' {
  try {
    const img = decodeImage(bytes, 'fuzz.bmp', { maxPixels });
    expect(img.data.length).toBe(img.width * img.height * img.channels);
    expect(img.width * img.height).toBeLessThanOrEqual(maxPixels);
    return 'ok';
  } catch (e) {
    if (!(e instanceof ImageStackError)) throw new Error(`not an ImageStackError: ${(e as Error)?.stack ?? e}`);
    expect(e.message).toMatch(/^fuzz\.bmp: /);
    return 'refused';
  }
}

test('random changes to BMP headers and palettes, and random truncation', () => {
  const seen = { ok: 0, refused: 0 };
  for (let i = 0; i < 1500; i++) {
    const base = writeBmp(specs[i % specs.length]);
    const b = base.slice();
    const edits = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < edits; k++) {
      // Mostly the header (sizes, offsets, counts, compression, masks), sometimes anywhere.
      const at = rnd() < 0.8 ? 2 + Math.floor(rnd() * Math.min(b.length - 2, 140)) : Math.floor(rnd() * b.length);
      b[at] = rnd() < 0.3 ? 0xff : Math.floor(rnd() * 256);
    }
    const cut = rnd() < 0.3 ? b.subarray(0, Math.floor(rnd() * b.length)) : b;
    seen[check(cut)]++;
    // The header reader agrees with the decoder about refusing.
    try {
      probeImage(cut, 'fuzz.bmp', { maxPixels: 1 << 20 });
    } catch (e) {
      expect(e).toBeInstanceOf(ImageStackError);
    }
  }
  // Both outcomes happen: the fuzzing reaches the pixel loops, not only the header checks.
  expect(seen.ok).toBeGreaterThan(150);
  expect(seen.refused).toBeGreaterThan(150);
});

test('random changes to PNG, JPEG and TIFF headers are refused cleanly', () => {
  // Minimal valid files of each kind, written by hand: PNG via fast-png's encoder is not ours to test;
  // here only the header paths matter, so the files need not decode.
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 4, 0, 0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 4, 0, 4, 1, 1, 0x11, 0, 0xff, 0xd9]);
  const tiff = Uint8Array.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 3, 0, 0, 1, 3, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1, 1, 3, 0, 1, 0, 0, 0, 4, 0, 0, 0, 0x11, 1, 4, 0, 1, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0]);
  for (let i = 0; i < 600; i++) {
    const base = [png, jpeg, tiff][i % 3];
    const b = base.slice();
    for (let k = 0; k < 3; k++) b[4 + Math.floor(rnd() * (b.length - 4))] = Math.floor(rnd() * 256);
    check(rnd() < 0.3 ? b.subarray(0, Math.floor(rnd() * b.length)) : b, 1 << 16);
  }
});
