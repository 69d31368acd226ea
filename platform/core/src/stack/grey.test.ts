import { writeBmp } from '../../../../tests/fixtures/images/bmpWriter';
import { decodeBmpGrey } from '../decode/bmp';
import { decodeImage } from '../decode/decodeImage';
import { toGrey } from './grey';
import { downsampleInto } from './downsample';

test('grey is exact where R = G = B, for every 8-bit and 16-bit value', () => {
  const n = 65536;
  const rgb = new Uint16Array(n * 3);
  for (let v = 0; v < n; v++) rgb.fill(v, v * 3, v * 3 + 3);
  const g16 = toGrey({ width: n, height: 1, channels: 3, bitDepth: 16, data: rgb });
  expect(g16.colouredPixels).toBe(0);
  expect(g16.data).toBeInstanceOf(Uint16Array);
  expect(g16.data.every((v, i) => v === i)).toBe(true);
  const rgb8 = Uint8Array.from(rgb.subarray(0, 256 * 3));
  const g8 = toGrey({ width: 256, height: 1, channels: 3, bitDepth: 8, data: rgb8 });
  expect(g8.data).toBeInstanceOf(Uint8Array);
  expect(Array.from(g8.data)).toEqual([...Array(256).keys()]);
});

test('coloured pixels become Rec. 601 luma and are counted', () => {
  const img = { width: 4, height: 1, channels: 3 as const, bitDepth: 8 as const, data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]) };
  const g = toGrey(img);
  // 0.299 · 255 = 76.2, 0.587 · 255 = 149.7, 0.114 · 255 = 29.1
  expect(Array.from(g.data)).toEqual([76, 150, 29, 9]);
  expect(g.colouredPixels).toBe(3);
  expect(toGrey({ width: 1, height: 1, channels: 3, bitDepth: 16, data: Uint16Array.from([65535, 0, 0]) }).data[0]).toBe(19595);
});

test('alpha is dropped, never applied; a grey image is used without a copy', () => {
  const ga = { width: 2, height: 1, channels: 2 as const, bitDepth: 8 as const, data: Uint8Array.from([100, 0, 200, 128]) };
  expect(Array.from(toGrey(ga).data)).toEqual([100, 200]);
  const rgba = { width: 1, height: 1, channels: 4 as const, bitDepth: 8 as const, data: Uint8Array.from([50, 50, 50, 0]) };
  expect(Array.from(toGrey(rgba).data)).toEqual([50]);
  const grey = { width: 2, height: 1, channels: 1 as const, bitDepth: 8 as const, data: Uint8Array.from([1, 2]) };
  expect(toGrey(grey).data).toBe(grey.data);
});

test('a region crops, and only its coloured pixels count', () => {
  // 3 × 2 RGB: a red pixel at (0, 0), outside the region (1, 0, 2, 2).
  const data = Uint8Array.from([255, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5]);
  const g = toGrey({ width: 3, height: 2, channels: 3, bitDepth: 8, data }, { x: 1, y: 0, width: 2, height: 2 });
  expect(Array.from(g.data)).toEqual([1, 2, 4, 5]);
  expect(g.colouredPixels).toBe(0);
  expect([g.width, g.height]).toEqual([2, 2]);
});

test('the fused BMP → grey decoder equals decode + toGrey, for 24-bit, 32-bit and palettes, with a crop', () => {
  const w = 23;
  const h = 9;
  const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i % 7 === 0 ? (i * 37) & 255 : ((i / 3) | 0) & 255));
  const words = Array.from({ length: w * h }, (_, i) => (rgb[i * 3] << 16) | (rgb[i * 3 + 1] << 8) | rgb[i * 3 + 2]);
  const palette: [number, number, number][] = Array.from({ length: 256 }, (_, i) => (i % 5 ? [i, i, i] : [i, 255 - i, 3]));
  const files = [
    writeBmp({ width: w, height: h, bitCount: 24, rgb }),
    writeBmp({ width: w, height: h, bitCount: 24, rgb, topDown: true }),
    writeBmp({ width: w, height: h, bitCount: 32, values: words }),
    writeBmp({ width: w, height: h, bitCount: 8, palette, values: Array.from({ length: w * h }, (_, i) => (i * 13) & 255) }),
  ];
  for (const region of [{ x: 3, y: 2, width: 15, height: 6 }, { x: 1, y: 0, width: 20, height: 9 }])
  for (const f of files) {
    const fused = decodeBmpGrey(f, 'f.bmp', undefined, region)!;
    const slow = toGrey(decodeImage(f, 'f.bmp'), region);
    expect(Array.from(fused.data)).toEqual(Array.from(slow.data));
    expect(fused.colouredPixels).toBe(slow.colouredPixels);
    expect(fused.colouredPixels).toBeGreaterThan(0);
  }
  // Layouts without a fused loop say so, and the caller decodes instead.
  expect(decodeBmpGrey(writeBmp({ width: 4, height: 1, bitCount: 16, values: [1, 2, 3, 4] }), 'x.bmp')).toBeNull();
});

test('downsampling takes the mean of full f × f blocks, rounds half up and drops partial edges', () => {
  // 5 × 3, f = 2 → 2 × 1: blocks [0,1,5,6] and [2,3,7,8]
  const src = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  const out = new Uint8Array(2);
  downsampleInto(src, 5, 3, 2, out);
  expect(Array.from(out)).toEqual([3, 5]); // 12/4 = 3, 20/4 = 5
  const half = new Uint8Array(1);
  downsampleInto(Uint8Array.from([0, 1, 0, 1]), 2, 2, 2, half);
  expect(half[0]).toBe(1); // 0.5 rounds up
  const big = new Uint16Array(16).fill(65535);
  const o16 = new Uint16Array(1);
  downsampleInto(big, 4, 4, 4, o16);
  expect(o16[0]).toBe(65535);
});
