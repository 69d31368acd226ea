// PNG, JPEG and TIFF through their libraries, compared with ImageMagick's decode of the same
// files: values as stored, 16-bit stays 16-bit, multi-page TIFF is many pages.
import { readFileSync } from 'node:fs';
import { MAPS, magick, magickPixels, magickSource, tempDir } from '../../../../tests/fixtures/images/magick';
import { ImageStackError } from '../errors';
import { decodeImage, probeImage } from './decodeImage';
import { sniffFormat } from './sniff';

const tmp = tempDir('imagestack-decode-');
afterAll(() => tmp.cleanup());
const W = 41;
const H = 17;
const src = magickSource(tmp.file('src.png'), W, H, 3);
// A 16-bit source with values that do not fit in 8 bits.
const src16 = tmp.file('src16.png');
magick('-size', `${W}x${H}`, 'gradient:#000010002000-#ffffeeeedddd', '-depth', '16', src16);

function make(name: string, from: string, ...args: string[]): string {
  const out = tmp.file(name);
  const prefix = args.length && /:$/.test(args[args.length - 1]) ? args.pop()! : '';
  magick(from, ...args, prefix + out);
  return out;
}

function bytesOf(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

function expectExact(file: string, want: { channels: number; bitDepth: 8 | 16; pages?: number }) {
  const img = decodeImage(bytesOf(file), file);
  expect({ channels: img.channels, bitDepth: img.bitDepth, pages: img.pages.length }).toEqual({ channels: want.channels, bitDepth: want.bitDepth, pages: want.pages ?? 1 });
  expect(img.data).toBeInstanceOf(want.bitDepth === 16 ? Uint16Array : Uint8Array);
  const ref = magickPixels(file, MAPS[img.channels], want.bitDepth);
  const n = img.width * img.height * img.channels;
  expect(ref.length).toBe(n * img.pages.length);
  img.pages.forEach((p, k) => {
    expect(p.data.length).toBe(n);
    const mismatch = p.data.findIndex((v, i) => v !== ref[k * n + i]);
    if (mismatch >= 0) throw new Error(`${file} page ${k + 1} sample ${mismatch}: ours ${p.data[mismatch]}, ImageMagick ${ref[k * n + mismatch]}`);
  });
  return img;
}

describe('PNG (fast-png), exact', () => {
  test.each([
    ['8-bit grey', src, ['-colorspace', 'gray', '-depth', '8'], 1, 8],
    ['16-bit grey', src16, ['-colorspace', 'gray', '-depth', '16'], 1, 16],
    ['8-bit grey+alpha', src, ['-colorspace', 'gray', '-alpha', 'on', '-channel', 'A', '-fx', 'i/w', '+channel', '-depth', '8'], 2, 8],
    ['16-bit grey+alpha', src16, ['-colorspace', 'gray', '-alpha', 'on', '-channel', 'A', '-fx', 'j/h', '+channel', '-depth', '16'], 2, 16],
    ['8-bit RGB', src, ['-depth', '8'], 3, 8],
    ['16-bit RGB, interlaced', src16, ['-depth', '16', '-interlace', 'PNG'], 3, 16],
    ['8-bit RGBA, half-transparent (not premultiplied)', src, ['-alpha', 'on', '-channel', 'A', '-evaluate', 'set', '50%', '+channel', '-depth', '8'], 4, 8],
    ['16-bit RGBA', src16, ['-alpha', 'on', '-channel', 'A', '-fx', 'i/w', '+channel', '-depth', '16'], 4, 16],
    ['8-bit palette', src, ['-colors', '100', '-type', 'palette', 'PNG8:'], 3, 8],
    ['4-bit palette', src, ['-colors', '9', '-type', 'palette', 'PNG8:'], 3, 8],
    ['1-bit grey', src, ['-type', 'bilevel'], 1, 8],
  ] as const)('%s', (label, from, args, channels, bitDepth) => {
    const file = make(`${label.replace(/\W+/g, '_')}.png`, from, ...args);
    const img = expectExact(file, { channels, bitDepth });
    expect(img.format).toBe('png');
    if (bitDepth === 16) expect(Math.max(...img.data)).toBeGreaterThan(255);
  });
});

describe('TIFF (utif2), exact', () => {
  test.each([
    ['8-bit grey, uncompressed', src, ['-colorspace', 'gray', '-depth', '8', '-compress', 'none'], 1, 8],
    ['16-bit grey, LZW', src16, ['-colorspace', 'gray', '-depth', '16', '-compress', 'lzw'], 1, 16],
    ['16-bit grey, Deflate with predictor, big-endian', src16, ['-colorspace', 'gray', '-depth', '16', '-compress', 'zip', '-define', 'tiff:predictor=2', '-endian', 'MSB'], 1, 16],
    ['8-bit RGB, PackBits', src, ['-depth', '8', '-compress', 'RLE'], 3, 8],
    ['8-bit RGB, LZW with predictor', src, ['-depth', '8', '-compress', 'lzw', '-define', 'tiff:predictor=2'], 3, 8],
    ['16-bit RGB, LZW, big-endian', src16, ['-depth', '16', '-compress', 'lzw', '-endian', 'MSB'], 3, 16],
    ['8-bit RGBA, Deflate', src, ['-alpha', 'on', '-channel', 'A', '-fx', 'i/w', '+channel', '-depth', '8', '-compress', 'zip'], 4, 8],
    ['1-bit bilevel', src, ['-type', 'bilevel', '-depth', '1', '-compress', 'none'], 1, 8],
    ['8-bit palette', src, ['-colors', '50', '-type', 'palette', '-compress', 'lzw'], 3, 8],
    ['8-bit grey, min-is-white', src, ['-colorspace', 'gray', '-depth', '8', '-define', 'tiff:photometric=min-is-white'], 1, 8],
    ['8-bit grey, several strips', src, ['-colorspace', 'gray', '-depth', '8', '-compress', 'lzw', '-define', 'tiff:rows-per-strip=3'], 1, 8],
    ['8-bit RGB, 16 × 16 tiles, LZW', src, ['-depth', '8', '-compress', 'lzw', '-define', 'tiff:tile-geometry=16x16'], 3, 8],
    ['16-bit grey, 16 × 16 tiles, Deflate', src16, ['-colorspace', 'gray', '-depth', '16', '-compress', 'zip', '-define', 'tiff:tile-geometry=16x16'], 1, 16],
  ] as const)('%s', (label, from, args, channels, bitDepth) => {
    const file = make(`${label.replace(/\W+/g, '_')}.tif`, from, ...args);
    const log = jest.spyOn(console, 'log');
    try {
      expect(expectExact(file, { channels, bitDepth }).format).toBe('tiff');
      expect(log).not.toHaveBeenCalled(); // nothing on stdout: `info --json` prints only JSON
    } finally {
      log.mockRestore();
    }
  });

  test('a multi-page 16-bit TIFF is one page per slice, each exact; one page can be decoded alone', () => {
    const file = tmp.file('multi.tif');
    magick(src16, '(', src16, '-negate', ')', '(', src16, '-flip', ')', '-colorspace', 'gray', '-depth', '16', '-compress', 'lzw', '-adjoin', file);
    const img = expectExact(file, { channels: 1, bitDepth: 16, pages: 3 });
    expect(probeImage(bytesOf(file), file)).toMatchObject({ format: 'tiff', pages: 3, bitDepth: 16, width: W, height: H });
    const second = decodeImage(bytesOf(file), file, { page: 1 });
    expect(second.pages.length).toBe(1);
    expect(Array.from(second.data)).toEqual(Array.from(img.pages[1].data));
    expect(() => decodeImage(bytesOf(file), file, { page: 3 })).toThrow(/page 4 does not exist/);
  });

  test('unsupported TIFFs say why', () => {
    const g4 = make('g4.tif', src, '-type', 'bilevel', '-compress', 'group4');
    expect(() => decodeImage(bytesOf(g4), 'g4.tif')).toThrow(/g4\.tif: TIFF compression CCITT G4 is not supported/);
    const float = make('float.tif', src, '-depth', '32', '-define', 'quantum:format=floating-point');
    // RGB floats are refused; one grey channel of floats (micro-CT) is read, below.
    expect(() => decodeImage(bytesOf(float), 'float.tif')).toThrow(/float\.tif: TIFF with 3 floating-point samples of 32 bits .* not supported/);
  });

  test('a directory chain that loops, or a tag count past the end, is refused at once (utif2 alone hangs)', () => {
    // One directory with 1 entry (ImageWidth = 4) whose "next directory" points back at itself.
    const loop = Uint8Array.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0, 1, 3, 0, 1, 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0]);
    expect(() => decodeImage(loop, 'loop.tif')).toThrow(/loop\.tif: the TIFF directory chain loops back on itself/);
    const past = loop.slice();
    past[22] = 200; // next directory beyond the end
    expect(() => decodeImage(past, 'past.tif')).toThrow(/past\.tif: truncated: a TIFF directory at byte 200/);
    // StripOffsets (273) of type LONG with 4 587 521 values stored at byte 12800.
    const count = Uint8Array.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x11, 1, 4, 0, 1, 0, 0x46, 0, 0, 0x32, 0, 0, 0, 0, 0, 0]);
    const t = Date.now();
    expect(() => decodeImage(count, 'count.tif')).toThrow(/count\.tif: truncated: TIFF tag 273 has 4587521 values/);
    expect(Date.now() - t).toBeLessThan(1000);
  });

  test('a truncated TIFF is an error, not black rows', () => {
    const file = make('whole.tif', src, '-depth', '8', '-compress', 'none');
    const b = bytesOf(file);
    // ImageMagick writes the directory after the pixels: move it to the front by cutting pixels out is not possible,
    // so cut the file in the middle of the pixel data while keeping the header and directory readable.
    const ifdAt = new DataView(b.buffer).getUint32(4, true);
    expect(ifdAt).toBeGreaterThan(W * H * 3);
    const cut = new Uint8Array(b.length);
    cut.set(b);
    // Point the strip offset beyond the end of the file.
    const img = decodeImage(b, 'ok.tif');
    expect(img.width).toBe(W);
    const dv = new DataView(cut.buffer);
    const entries = dv.getUint16(ifdAt, true);
    for (let i = 0; i < entries; i++) {
      const e = ifdAt + 2 + i * 12;
      if (dv.getUint16(e, true) === 279) dv.setUint32(e + 8, b.length, true); // StripByteCounts larger than the file
    }
    expect(() => decodeImage(cut, 'cut.tif')).toThrow(/cut\.tif: truncated/);
  });
});

describe('JPEG (libjpeg-turbo in WebAssembly)', () => {
  // The same decoder as ImageMagick's (Debian's libjpeg-turbo, ISLOW, fancy upsampling): exact.
  test.each([
    ['baseline colour', ['-quality', '90'], 3, /baseline colour/, 0],
    ['progressive colour', ['-quality', '90', '-interlace', 'JPEG'], 3, /progressive colour/, 0],
    ['baseline grey', ['-colorspace', 'gray', '-quality', '90'], 1, /baseline grey/, 0],
    ['progressive grey', ['-colorspace', 'gray', '-quality', '90', '-interlace', 'JPEG'], 1, /progressive grey/, 0],
  ] as const)('%s', (label, args, channels, detail, tolerance) => {
    const file = make(`${label.replace(/\W+/g, '_')}.jpg`, src, ...args);
    const img = decodeImage(bytesOf(file), file);
    expect(probeImage(bytesOf(file), file).detail).toMatch(detail);
    expect(img).toMatchObject({ format: 'jpeg', channels, bitDepth: 8, width: W, height: H });
    const ref = magickPixels(file, MAPS[channels], 8);
    expect(img.data.length).toBe(ref.length);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(img.data[i] - ref[i]);
      sum += d;
      if (d > max) max = d;
    }
    expect(max).toBeLessThanOrEqual(tolerance);
    expect(sum / ref.length).toBeLessThan(1);
  });

  test('CMYK and arithmetic-coded JPEGs are refused with the reason', () => {
    const cmyk = make('cmyk.jpg', src, '-colorspace', 'cmyk');
    expect(() => decodeImage(bytesOf(cmyk), 'cmyk.jpg')).toThrow(/cmyk\.jpg: JPEG with 4 components/);
    // ImageMagick's libjpeg does not write arithmetic coding: mark a baseline frame header as SOF9.
    const arith = bytesOf(make('arith.jpg', src, '-quality', '90'));
    const sof = arith.findIndex((v, i) => v === 0xff && arith[i + 1] === 0xc0);
    arith[sof + 1] = 0xc9;
    expect(() => decodeImage(arith, 'arith.jpg')).toThrow(/arith\.jpg: arithmetic-coded JPEG is not supported/);
  });

  test('a truncated JPEG is an error naming the file', () => {
    const file = make('t.jpg', src, '-quality', '90');
    const b = bytesOf(file);
    expect(() => decodeImage(b.subarray(0, Math.floor(b.length / 2)), 't.jpg')).toThrow(/^t\.jpg: /);
  });
});

describe('format by content, not by name', () => {
  test('a PNG named .bmp is read as PNG; a BMP named .png as BMP', () => {
    const png = make('really-png.bmp', src, '-depth', '8', 'PNG:');
    expect(decodeImage(bytesOf(png), png).format).toBe('png');
    const bmp = make('really-bmp.png', src, 'BMP3:');
    expect(decodeImage(bytesOf(bmp), bmp).format).toBe('bmp');
  });
  test('non-images are unsupported-format errors that say what they look like', () => {
    const err = (b: Uint8Array, name: string) => {
      try {
        decodeImage(b, name);
      } catch (e) {
        return e as ImageStackError;
      }
      throw new Error('decoded a non-image');
    };
    expect(err(new TextEncoder().encode('BM is not a bitmap\n'), 'notes.txt').message).toMatch(/notes\.txt: not a BMP, PNG, JPEG or TIFF image \(text file\)/);
    const ole = new Uint8Array(64);
    ole.set([0xd0, 0xcf, 0x11, 0xe0]);
    expect(err(ole, 'Thumbs.db').message).toMatch(/thumbnail cache/);
    const dicom = new Uint8Array(200);
    dicom.set([0x44, 0x49, 0x43, 0x4d], 128);
    expect(err(dicom, 'DICOMDIR').message).toMatch(/DICOMDIR/);
    expect(err(new Uint8Array(0), 'empty.png').code).toBe('empty');
  });
  test('a lying PNG header is refused before decoding', () => {
    const b = bytesOf(make('big.png', src, '-depth', '8'));
    new DataView(b.buffer).setUint32(16, 100000);
    new DataView(b.buffer).setUint32(20, 100000);
    expect(() => decodeImage(b, 'big.png')).toThrow(expect.objectContaining({ code: 'too-large' }));
  });
});
