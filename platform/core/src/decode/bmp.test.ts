// BMP: every variant decoded by us and compared pixel by pixel with ImageMagick's own decode
// of the same file. Files come from ImageMagick (`convert … BMP3:/BMP:/BMP2:`) and from our
// writer (tests/fixtures/images/bmpWriter.ts) for what ImageMagick does not write.
import { readFileSync } from 'node:fs';
import { lcg, writeBmp, type BmpSpec } from '../../../../tests/fixtures/images/bmpWriter';
import { MAPS, magick, magickPixels, magickSource, tempDir, writeTemp } from '../../../../tests/fixtures/images/magick';
import { ImageStackError } from '../errors';
import { decodeImage, probeImage } from './decodeImage';

const tmp = tempDir('imagestack-bmp-');
afterAll(() => tmp.cleanup());
const W = 37; // odd: every row needs padding
const H = 13;
const src = magickSource(tmp.file('src.png'), W, H);

function decodeFile(file: string) {
  return decodeImage(new Uint8Array(readFileSync(file)), file);
}

/** Our decode of `file` equals ImageMagick's, sample for sample. */
function expectSameAsMagick(file: string, expected: { channels?: number; detail?: RegExp } = {}) {
  const img = decodeFile(file);
  if (expected.channels) expect(img.channels).toBe(expected.channels);
  if (expected.detail) expect(probeImage(new Uint8Array(readFileSync(file)), file).detail).toMatch(expected.detail);
  const ref = magickPixels(file, MAPS[img.channels], 8);
  expect(img.bitDepth).toBe(8);
  expect(img.data.length).toBe(ref.length);
  expect(Buffer.from(img.data as Uint8Array).equals(Buffer.from(ref as Uint8Array))).toBe(true);
  return img;
}

describe('BMP written by ImageMagick, compared with ImageMagick', () => {
  const cases: [string, string[], { channels: number; detail: RegExp }][] = [
    ['v3 24-bit', ['BMP3:'], { channels: 3, detail: /^BMP 24-bit$/ }],
    ['v5 24-bit', ['BMP:'], { channels: 3, detail: /^BMP v5 24-bit$/ }],
    ['OS/2 (BMP2) 24-bit', ['BMP2:'], { channels: 3, detail: /^BMP OS\/2 24-bit$/ }],
    ['OS/2 (BMP2) 8-bit palette', ['-colors', '200', '-type', 'palette', 'BMP2:'], { channels: 3, detail: /^BMP OS\/2 8-bit$/ }],
    ['RLE8', ['-colors', '200', '-type', 'palette', '-compress', 'RLE', 'BMP3:'], { channels: 3, detail: /RLE8/ }],
    ['4-bit palette', ['-colors', '12', '-type', 'palette', 'BMP3:'], { channels: 3, detail: /^BMP 4-bit$/ }],
    ['1-bit bilevel', ['-type', 'bilevel', 'BMP3:'], { channels: 1, detail: /^BMP 1-bit$/ }],
    ['8-bit grey palette, RLE8', ['-colorspace', 'gray', '-type', 'palette', '-compress', 'RLE', 'BMP3:'], { channels: 1, detail: /RLE8/ }],
    ['16-bit 565', ['-define', 'bmp:subtype=RGB565', 'BMP:'], { channels: 3, detail: /16-bit bitfields/ }],
    ['16-bit 555', ['-define', 'bmp:subtype=RGB555', 'BMP:'], { channels: 3, detail: /16-bit bitfields/ }],
    ['32-bit v5 with alpha bitfields', ['-alpha', 'on', '-channel', 'A', '-fx', 'i/w', '+channel', 'BMP:'], { channels: 4, detail: /32-bit bitfields/ }],
    ['32-bit v3 BI_RGB', ['-alpha', 'on', '-define', 'bmp3:alpha=true', 'BMP3:'], { channels: 3, detail: /^BMP 32-bit$/ }],
  ];
  test.each(cases)('%s', (label, args, expected) => {
    const out = tmp.file(`${label.replace(/\W+/g, '_')}.bmp`);
    const prefix = args[args.length - 1];
    magick(src, ...args.slice(0, -1), prefix + out);
    const img = expectSameAsMagick(out, expected);
    expect([img.width, img.height]).toEqual([W, H]);
  });

  test('16-bit ARGB4444: 4-bit channels scaled by bit replication (ImageMagick 6 shifts instead: 15 → 240)', () => {
    const out = tmp.file('argb4444.bmp');
    magick(src, '-alpha', 'on', '-define', 'bmp:subtype=ARGB4444', 'BMP:' + out);
    const img = decodeFile(out);
    const ref = magickPixels(out, 'rgba', 8);
    expect(img.channels).toBe(4);
    for (let i = 0; i < ref.length; i++) {
      // ImageMagick gives v << 4; the full-scale value is v × 17 (0xF → 0xFF).
      if (img.data[i] !== (ref[i] >> 4) * 17) throw new Error(`sample ${i}: ours ${img.data[i]}, ImageMagick ${ref[i]}`);
    }
  });
});

describe('BMP written by our fixture writer, compared with ImageMagick', () => {
  const rnd = lcg(42);
  const w = 29;
  const h = 11;
  const rgb = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rnd() * 256));
  const palette16: [number, number, number][] = Array.from({ length: 16 }, (_, i) => [i * 16, 255 - i * 9, (i * 77) % 256]);
  const palette256: [number, number, number][] = Array.from({ length: 256 }, (_, i) => [i, (i * 3) % 256, 255 - i]);
  // Runs, single pixels and stretches of index 0 (for delta runs).
  const runs = (levels: number) =>
    Array.from({ length: w * h }, (_, i) => {
      const x = i % w;
      const y = Math.floor(i / w);
      if (x > 5 && x < 13 && y % 3 !== 1) return 0;
      if (x < 6) return (y + Math.floor(x / 3)) % levels;
      return Math.floor(rnd() * levels);
    });
  const words16 = Array.from({ length: w * h }, () => Math.floor(rnd() * 65536));
  const words32 = Array.from({ length: w * h }, () => Math.floor(rnd() * 2 ** 32));

  const cases: [string, BmpSpec, number][] = [
    ['24-bit top-down', { width: w, height: h, bitCount: 24, rgb, topDown: true }, 3],
    ['24-bit, width a multiple of 4 (whole rows 4 pixels at a time)', { width: 32, height: h, bitCount: 24, rgb: rgb.subarray(0, 32 * h * 3) }, 3],
    ['24-bit v4 header', { width: w, height: h, bitCount: 24, rgb, header: 'v4' }, 3],
    ['8-bit palette top-down, 40 bytes between palette and pixels', { width: w, height: h, bitCount: 8, palette: palette256, values: runs(256), topDown: true, gap: 40 }, 3],
    ['8-bit palette with only 16 colours used', { width: w, height: h, bitCount: 8, palette: palette16, values: runs(16) }, 3],
    ['4-bit palette, OS/2 1.x core header', { width: w, height: h, bitCount: 4, palette: palette16, values: runs(16), header: 'core' }, 3],
    ['1-bit, odd width', { width: w, height: h, bitCount: 1, palette: [[10, 20, 30], [200, 100, 50]], values: runs(2) }, 3],
    ['RLE8 with delta, end-of-line and absolute runs', { width: w, height: h, bitCount: 8, compression: 'rle8', palette: palette256, values: runs(256), useDelta: true }, 3],
    ['RLE4 with delta, end-of-line and absolute runs', { width: w, height: h, bitCount: 4, compression: 'rle4', palette: palette16, values: runs(16), useDelta: true }, 3],
    ['RLE4 without delta', { width: w, height: h, bitCount: 4, compression: 'rle4', palette: palette16, values: runs(16) }, 3],
    ['16-bit BI_RGB (5-5-5)', { width: w, height: h, bitCount: 16, values: words16.map(v => v & 0x7fff) }, 3],
    ['16-bit bitfields 5-6-5 after a v3 header', { width: w, height: h, bitCount: 16, compression: 'bitfields', masks: { r: 0xf800, g: 0x07e0, b: 0x001f }, values: words16 }, 3],
    ['16-bit bitfields 5-5-5 in a v4 header', { width: w, height: h, bitCount: 16, header: 'v4', compression: 'bitfields', masks: { r: 0x7c00, g: 0x03e0, b: 0x001f }, values: words16 }, 3],
    ['32-bit bitfields, swapped byte order', { width: w, height: h, bitCount: 32, compression: 'bitfields', masks: { r: 0xff, g: 0xff00, b: 0xff0000 }, values: words32 }, 3],
    ['32-bit BI_RGB', { width: w, height: h, bitCount: 32, values: words32.map(v => v & 0xffffff) }, 3],
  ];
  test.each(cases)('%s', (label, spec, channels) => {
    const file = writeTemp(tmp.file(`ours_${label.replace(/\W+/g, '_')}.bmp`), writeBmp(spec));
    const img = expectSameAsMagick(file, { channels });
    expect([img.width, img.height]).toEqual([spec.width, spec.height]);
  });
});

describe('BMP known values (no ImageMagick)', () => {
  test('24-bit bottom-up 2 × 2: rows come out top first, channels as R, G, B', () => {
    // Stored bottom row first, B G R, rows padded to 8 bytes.
    const file = writeBmp({ width: 2, height: 2, bitCount: 24, rgb: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) });
    expect(Array.from(file.subarray(54, 54 + 6))).toEqual([9, 8, 7, 12, 11, 10]);
    const img = decodeImage(file, 'k.bmp');
    expect(img).toMatchObject({ width: 2, height: 2, channels: 3, bitDepth: 8 });
    expect(Array.from(img.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  test('RLE8 by hand: encoded run, absolute run, delta, end of line, end of bitmap', () => {
    const header = writeBmp({ width: 6, height: 3, bitCount: 8, compression: 'rle8', palette: [[0, 0, 0], [10, 10, 10], [20, 20, 20], [30, 30, 30]], values: new Array(18).fill(0) });
    const dataOffset = new DataView(header.buffer).getUint32(10, true);
    // Bottom row: 3 × index 1, then an absolute run [2, 3, 2] (+1 pad byte), end of line.
    // Then a delta of 2 right, 1 up (from the middle row to the top row at x = 2), 2 × index 3, end of bitmap.
    const rle = [3, 1, 0, 3, 2, 3, 2, 0, 0, 0, 0, 2, 2, 1, 2, 3, 0, 1];
    const file = new Uint8Array(dataOffset + rle.length);
    file.set(header.subarray(0, dataOffset));
    file.set(rle, dataOffset);
    const img = decodeImage(file, 'rle.bmp');
    expect(img.channels).toBe(1); // grey palette
    expect(Array.from(img.data)).toEqual([
      0, 0, 30, 30, 0, 0, // top row: x = 0, 1 skipped by the delta stay index 0
      0, 0, 0, 0, 0, 0, // middle row: skipped by the delta
      10, 10, 10, 20, 30, 20, // bottom row
    ]);
  });
});

describe('BMP variants ImageMagick 6 cannot judge (known values)', () => {
  test('OS/2 2.x header (64 bytes): 4-byte palette entries, as the OS/2 spec and Pillow read them (ImageMagick 6 reads 3)', () => {
    const f = writeBmp({ width: 5, height: 2, bitCount: 8, header: 'os2v2', palette: [[1, 2, 3], [200, 100, 50]], values: [0, 1, 0, 1, 1, 1, 1, 0, 0, 0] });
    const img = decodeImage(f, 'os2.bmp');
    expect(img.channels).toBe(3);
    expect(Array.from(img.data.subarray(0, 6))).toEqual([1, 2, 3, 200, 100, 50]);
    expect(Array.from(img.data.subarray(15, 24))).toEqual([200, 100, 50, 200, 100, 50, 1, 2, 3]); // second row: 1, 1, 0
  });
  test('32-bit BI_ALPHABITFIELDS (compression 6, masks after a v3 header): alpha kept, not applied', () => {
    const f = writeBmp({ width: 2, height: 1, bitCount: 32, compression: 'alphabitfields', masks: { r: 0xff0000, g: 0xff00, b: 0xff, a: 0xff000000 }, values: [0x80102030, 0x00ffeedd] });
    const img = decodeImage(f, 'abf.bmp');
    expect(img.channels).toBe(4);
    expect(Array.from(img.data)).toEqual([0x10, 0x20, 0x30, 0x80, 0xff, 0xee, 0xdd, 0]);
  });
  test('10-bit channels in 32-bit bitfields keep their top 8 bits', () => {
    const v = (r: number, g: number, b: number) => (r << 20) | (g << 10) | b;
    const f = writeBmp({ width: 2, height: 1, bitCount: 32, compression: 'bitfields', masks: { r: 0x3ff00000, g: 0xffc00, b: 0x3ff }, values: [v(1023, 512, 3), v(4, 0, 1020)] });
    expect(Array.from(decodeImage(f, 'x.bmp').data)).toEqual([255, 128, 0, 1, 0, 255]);
  });
});

describe('BMP errors: one clear line naming the file', () => {
  const ok = () => writeBmp({ width: 4, height: 4, bitCount: 24, rgb: new Uint8Array(48) });
  function error(bytes: Uint8Array): ImageStackError {
    try {
      decodeImage(bytes, 'slice_007.bmp');
    } catch (e) {
      expect(e).toBeInstanceOf(ImageStackError);
      expect((e as Error).message).toMatch(/^slice_007\.bmp: /);
      expect((e as Error).message).not.toMatch(/\n/);
      return e as ImageStackError;
    }
    throw new Error('no error');
  }

  test('a 100000 × 100000 header is refused as too large before anything is allocated', () => {
    const f = ok();
    const dv = new DataView(f.buffer);
    dv.setInt32(18, 100000, true);
    dv.setInt32(22, 100000, true);
    // A lying size check that ran after allocation would have thrown RangeError or 'corrupt' (the file is 102 bytes).
    expect(error(f).code).toBe('too-large');
    expect(error(f).message).toMatch(/100000 × 100000/);
  });
  test('the pixel limit is configurable', () => {
    expect(() => decodeImage(ok(), 'a.bmp', { maxPixels: 15 })).toThrow(/more than the limit of 15 pixels/);
    expect(decodeImage(ok(), 'a.bmp', { maxPixels: 16 }).width).toBe(4);
  });
  test('truncated pixel data', () => {
    const e = error(ok().subarray(0, 80));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/truncated/);
  });
  test('truncated header', () => expect(error(ok().subarray(0, 20)).code).toBe('corrupt'));
  test('zero bytes', () => expect(error(new Uint8Array(0)).code).toBe('empty'));
  test('JPEG inside BMP', () => {
    const f = ok();
    new DataView(f.buffer).setUint32(30, 4, true);
    const e = error(f);
    expect(e.code).toBe('unsupported-format');
    expect(e.message).toMatch(/embedded JPEG/);
  });
  test('PNG inside BMP', () => {
    const f = ok();
    new DataView(f.buffer).setUint32(30, 5, true);
    expect(error(f).message).toMatch(/embedded PNG/);
  });
  test('RLE8 data that stops early', () => {
    const spec: BmpSpec = { width: 20, height: 20, bitCount: 8, compression: 'rle8', palette: [[0, 0, 0], [9, 9, 9]], values: Array.from({ length: 400 }, (_, i) => (i * 7) % 2) };
    const f = writeBmp(spec);
    expect(() => decodeImage(f, 'x.bmp')).not.toThrow();
    const e = error(f.subarray(0, f.length - 60));
    expect(e.code).toBe('corrupt');
  });
  test('a pixel offset beyond the end of the file', () => {
    const f = ok();
    new DataView(f.buffer).setUint32(10, 5000, true);
    expect(error(f).code).toBe('corrupt');
  });
  test('an unknown header size', () => {
    const f = ok();
    new DataView(f.buffer).setUint32(14, 40, true);
    f[14] = 41;
    expect(error(f).code).toBe('unsupported-format');
  });
});
