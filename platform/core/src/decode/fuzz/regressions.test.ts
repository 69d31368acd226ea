// Inputs the fuzzer (fuzz.test.ts) found, rebuilt in code: each was a hang, an untyped error
// or a runaway allocation before its fix.
import { buildExportRecords, part10Files } from '../../dicom/series';
import { stackFromPart10 } from '../../dicom/readSeries';
import { ORIENTATION_PRESETS } from '../../geometry/orientation';
import { ImageStackError } from '../../errors';
import { zlibSync } from 'fflate';
import { decodeImage, probeImage } from '../decodeImage';

/** 9-bit LZW codes, most significant bit first (TIFF LZW at its narrowest width). */
function packCodes9(codes: number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil((codes.length * 9) / 8) + 2);
  let bit = 0;
  for (const c of codes) {
    for (let k = 8; k >= 0; k--, bit++) if ((c >>> k) & 1) out[bit >>> 3] |= 0x80 >>> (bit & 7);
  }
  return out;
}

/** An 8-bit grey TIFF, w × h, whose one strip is `strip` with compression `compression`. */
function greyTiff(w: number, h: number, strip: Uint8Array, compression: number): Uint8Array {
  const entries: [number, number, number][] = [
    [256, 3, w], [257, 3, h], [258, 3, 8], [259, 3, compression], [262, 3, 1], [273, 4, 0], [277, 3, 1], [278, 3, h], [279, 4, strip.length],
  ];
  const dataAt = 8 + 2 + entries.length * 12 + 4;
  entries[5][2] = dataAt;
  const b = new Uint8Array(dataAt + strip.length);
  const dv = new DataView(b.buffer);
  b.set([0x49, 0x49, 42, 0]);
  dv.setUint32(4, 8, true);
  dv.setUint16(8, entries.length, true);
  entries.forEach(([tag, type, value], i) => {
    const e = 10 + i * 12;
    dv.setUint16(e, tag, true);
    dv.setUint16(e + 2, type, true);
    dv.setUint32(e + 4, 1, true);
    if (type === 3) dv.setUint16(e + 8, value, true);
    else dv.setUint32(e + 8, value, true);
  });
  b.set(strip, dataAt);
  return b;
}

test('TIFF LZW with a code past the next table entry is an error, not an endless loop (utif2 hung)', () => {
  // Clear, 'A', then 300 while the next entry would be 258: impossible in a valid stream.
  const bad = greyTiff(16, 4, packCodes9([256, 65, 300, 66, 257]), 5);
  const t0 = Date.now();
  expect(() => decodeImage(bad, 'lzw.tif')).toThrow(ImageStackError);
  expect(() => decodeImage(bad, 'lzw.tif')).toThrow(/^lzw\.tif: TIFF pixel data could not be decoded \(invalid LZW code 300/);
  expect(Date.now() - t0).toBeLessThan(5000);
  // The same decoder reads a valid stream: "A", "B", entry 258 ("AB"), then the KwKwK case: 260 ("AB" + "A").
  const good = greyTiff(7, 1, packCodes9([256, 65, 66, 258, 260, 257]), 5);
  expect(Array.from(decodeImage(good, 'ok.tif').data)).toEqual([65, 66, 65, 66, 65, 66, 65]);
});

test('a DICOM element whose length runs past the file is refused before dcmjs allocates it (hundreds of MiB)', () => {
  const columns = 5;
  const rows = 4;
  const stack = { columns, rows, slices: 1, bitsStored: 16 as const, voxels: Uint16Array.from({ length: columns * rows }, (_, i) => i * 100), sliceNames: [] };
  const geometry = { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.5, sliceSpacingMm: 1, originMm: [0, 0, 0] as [number, number, number], orientation: [...ORIENTATION_PRESETS.axial] as [number, number, number, number, number, number] };
  const [file] = [...part10Files(stack, buildExportRecords(stack, geometry))];
  const bytes = file.bytes.slice();
  // FrameOfReferenceUID (0020,0052), VR UI: its 16-bit length set to 65535, as the fuzzer did.
  let at = -1;
  for (let p = 132; p + 8 < bytes.length; p++) {
    if (bytes[p] === 0x20 && bytes[p + 1] === 0x00 && bytes[p + 2] === 0x52 && bytes[p + 3] === 0x00 && bytes[p + 4] === 0x55 && bytes[p + 5] === 0x49) {
      at = p;
      break;
    }
  }
  expect(at).toBeGreaterThan(0);
  bytes[at + 6] = 0xff;
  bytes[at + 7] = 0xff;
  const before = process.memoryUsage().arrayBuffers;
  expect(() => stackFromPart10([{ name: 'IMG0001.dcm', bytes }])).toThrow(/^IMG0001\.dcm: DICOM element \(0020,0052\) at byte \d+ claims 65535 bytes, more than the file holds/);
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
  // The untouched file still reads.
  expect(stackFromPart10([{ name: 'IMG0001.dcm', bytes: file.bytes }]).stack.columns).toBe(columns);
});

test('a PersonName tag holding a number (a tag renumbered: WindowCenter became PerformingPhysicianName) is a typed error naming the file, not a dcmjs crash', () => {
  const columns = 3;
  const rows = 2;
  const stack = { columns, rows, slices: 1, bitsStored: 8 as const, voxels: Uint8Array.from({ length: columns * rows }, (_, i) => i * 40), sliceNames: [] };
  const geometry = { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.5, sliceSpacingMm: 1, originMm: [0, 0, 0] as [number, number, number], orientation: [...ORIENTATION_PRESETS.axial] as [number, number, number, number, number, number] };
  const [file] = [...part10Files(stack, buildExportRecords(stack, geometry))];
  const bytes = file.bytes.slice();
  // WindowCenter (0028,1050) VR DS → group 0008: (0008,1050) is PerformingPhysicianName, VR PN
  // in dcmjs's dictionary, which then puts name accessors on a number (what the fuzzer made)
  let at = -1;
  for (let p = 132; p + 8 < bytes.length; p++) {
    if (bytes[p] === 0x28 && bytes[p + 1] === 0x00 && bytes[p + 2] === 0x50 && bytes[p + 3] === 0x10 && bytes[p + 4] === 0x44 && bytes[p + 5] === 0x53) {
      at = p;
      break;
    }
  }
  expect(at).toBeGreaterThan(0);
  bytes[at] = 0x08;
  let error: unknown;
  try {
    stackFromPart10([{ name: 'IMG0001.dcm', bytes }]);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ImageStackError);
  expect((error as ImageStackError).userMessage()).toMatch(/^IMG0001\.dcm: has an element dcmjs cannot read/);
});

test('a File Meta group length that disagrees with its elements is refused before dcmjs reads the dataset from the wrong byte (1 GiB allocated)', () => {
  const columns = 3;
  const rows = 2;
  const stack = { columns, rows, slices: 1, bitsStored: 8 as const, voxels: new Uint8Array(columns * rows), sliceNames: [] };
  const geometry = { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.5, sliceSpacingMm: 1, originMm: [0, 0, 0] as [number, number, number], orientation: [...ORIENTATION_PRESETS.axial] as [number, number, number, number, number, number] };
  const [file] = [...part10Files(stack, buildExportRecords(stack, geometry))];
  const bytes = file.bytes.slice();
  // (0002,0000) UL at byte 132: its value (at 140) made 20 bytes short of the group's elements
  expect([bytes[132], bytes[133], bytes[134], bytes[135], String.fromCharCode(bytes[136], bytes[137])]).toEqual([2, 0, 0, 0, 'UL']);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(140, view.getUint32(140, true) - 20, true);
  const before = process.memoryUsage().arrayBuffers;
  expect(() => stackFromPart10([{ name: 'IMG0001.dcm', bytes }])).toThrow(/^IMG0001\.dcm: the File Meta group length \(0002,0000\) says it ends at byte \d+, its elements end at byte \d+/);
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
  expect(stackFromPart10([{ name: 'IMG0001.dcm', bytes: file.bytes }]).stack.columns).toBe(columns);
});

type Entry = [tag: number, type: 3 | 4, values: number[]];

/**
 * A little-endian TIFF: one directory of `entries` at byte 8 (values that do not fit in their
 * entry follow it), then `data`; `at(k)` in an entry's values is the offset of `data[k]`.
 */
function tiff(entries: Array<[number, 3 | 4, Array<number | { at: number }>]>, data: Uint8Array[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  const dirEnd = 8 + 2 + sorted.length * 12 + 4;
  const outside = sorted.map(([, type, v]) => (v.length * (type === 3 ? 2 : 4) > 4 ? v.length * (type === 3 ? 2 : 4) : 0));
  const valuesEnd = dirEnd + outside.reduce((a, b) => a + b, 0);
  const dataAt: number[] = [];
  let p = valuesEnd;
  for (const d of data) {
    dataAt.push(p);
    p += d.length + (d.length & 1);
  }
  const b = new Uint8Array(p);
  const dv = new DataView(b.buffer);
  b.set([0x49, 0x49, 42, 0]);
  dv.setUint32(4, 8, true);
  dv.setUint16(8, sorted.length, true);
  let vo = dirEnd;
  sorted.forEach(([t, type, v], i) => {
    const e = 10 + i * 12;
    const values = v.map(x => (typeof x === 'number' ? x : dataAt[x.at]));
    dv.setUint16(e, t, true);
    dv.setUint16(e + 2, type, true);
    dv.setUint32(e + 4, values.length, true);
    const at = outside[i] ? vo : e + 8;
    if (outside[i]) {
      dv.setUint32(e + 8, vo, true);
      vo += outside[i];
    }
    values.forEach((x, k) => (type === 3 ? dv.setUint16(at + 2 * k, x, true) : dv.setUint32(at + 4 * k, x, true)));
  });
  data.forEach((d, k) => b.set(d, dataAt[k]));
  return b;
}

/** A directory of `n` junk entries: LONGs, 16 Mi values each, stored "at" byte 8 (what an EXIF pointer into pixel data reads as). */
function junkDirectory(n: number): Uint8Array {
  const d = new Uint8Array(2 + n * 12 + 4);
  const dv = new DataView(d.buffer);
  dv.setUint16(0, n, true);
  for (let i = 0; i < n; i++) {
    dv.setUint16(2 + i * 12, 1000 + i, true);
    dv.setUint16(2 + i * 12 + 2, 4, true);
    dv.setUint32(2 + i * 12 + 4, 1 << 24, true);
    dv.setUint32(2 + i * 12 + 8, 8, true);
  }
  return d;
}

test('an EXIF pointer into junk (entries with 16 Mi values each) is refused before utif2 reads them (a 16-bit RGBA mutant took 1.5 s)', () => {
  const w = 100;
  const h = 40;
  const pixels = Uint8Array.from({ length: w * h * 8 }, (_, i) => (i * 7) & 255);
  const common: Array<[number, 3 | 4, Array<number | { at: number }>]> = [
    [256, 3, [w]], [257, 3, [h]], [258, 3, [16, 16, 16, 16]], [259, 3, [1]], [262, 3, [2]], [273, 4, [{ at: 0 }]], [277, 3, [4]], [278, 3, [h]], [279, 4, [pixels.length]], [338, 3, [2]],
  ];
  const bad = tiff([...common, [34665, 4, [{ at: 1 }]]], [pixels, junkDirectory(40)]);
  const t0 = Date.now();
  const before = process.memoryUsage().arrayBuffers;
  expect(() => probeImage(bad, 'exif.tif')).toThrow(/^exif\.tif: truncated: TIFF tag 1000 has 16777216 values running past the end of the file$/);
  expect(() => decodeImage(bad, 'exif.tif')).toThrow(ImageStackError);
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
  // An EXIF directory pointing back at the image's own directory: a loop, refused (utif2 recursed until the stack ran out).
  expect(() => decodeImage(tiff([...common, [34665, 4, [8]]], [pixels]), 'loop.tif')).toThrow(/^loop\.tif: the TIFF sub-directory chain loops back on itself$/);
  // A sound EXIF directory (one entry) is read past, and the pixels are the file's.
  const exif = new Uint8Array(2 + 12 + 4);
  new DataView(exif.buffer).setUint16(0, 1, true);
  exif.set([0x00, 0x90, 7, 0, 4, 0, 0, 0, 0x30, 0x32, 0x33, 0x30], 2); // ExifVersion "0230"
  const img = decodeImage(tiff([...common, [34665, 4, [{ at: 1 }]]], [pixels, exif]), 'ok.tif');
  expect([img.width, img.height, img.channels, img.bitDepth]).toEqual([w, h, 4, 16]);
  expect(Array.from(img.data.subarray(0, 2))).toEqual([pixels[0] | (pixels[1] << 8), pixels[2] | (pixels[3] << 8)]);
});

test('a tile far larger than its image is refused before utif2 allocates it (TileLength 65535 on a 100 × 40 16-bit RGB: 96 MiB)', () => {
  const w = 100;
  const h = 40;
  const tileOf = (tw: number, th: number) => {
    const raw = Uint8Array.from({ length: tw * th * 6 }, (_, i) => (i * 5) & 255);
    return tiff(
      [[256, 3, [w]], [257, 3, [h]], [258, 3, [16, 16, 16]], [259, 3, [8]], [262, 3, [2]], [277, 3, [3]], [322, 3, [tw]], [323, 3, [th]], [324, 4, [{ at: 0 }]], [325, 4, [0]]],
      [zlibSync(raw)],
    );
  };
  const fixCount = (b: Uint8Array) => {
    // the one tile's byte count: the data's length (entry 325 is the last of 10)
    const dv = new DataView(b.buffer);
    const e = 10 + 9 * 12;
    dv.setUint32(e + 8, b.length - dv.getUint32(10 + 8 * 12 + 8, true), true);
    return b;
  };
  // A sound single tile of 256 × 256 (larger than the image, as writers do) decodes to the tile's top-left corner.
  const good = decodeImage(fixCount(tileOf(256, 256)), 'tiled.tif');
  expect([good.width, good.height, good.channels, good.bitDepth]).toEqual([w, h, 3, 16]);
  const row1 = 256 * 6; // bytes per tile row
  expect(good.data[w * 3]).toBe(((row1 * 1 + 0) * 5 & 255) | (((row1 + 1) * 5 & 255) << 8));
  // The lying one is refused from its header, with nothing allocated for it.
  const bad = fixCount(tileOf(256, 16));
  new DataView(bad.buffer).setUint16(10 + 7 * 12 + 8, 65535, true); // TileLength → 65535
  const before = process.memoryUsage().arrayBuffers;
  expect(() => probeImage(bad, 'tile.tif')).toThrow(/^tile\.tif: TIFF tiles of 256 × 65535 pixels for a 100 × 40 image/);
  expect(() => decodeImage(bad, 'tile.tif')).toThrow(/^tile\.tif: TIFF tiles of 256 × 65535 pixels/);
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 2 ** 20);
  // No tile size at all made utif2 loop over Infinity tiles.
  const zero = fixCount(tileOf(256, 16));
  new DataView(zero.buffer).setUint16(10 + 7 * 12 + 8, 0, true);
  expect(() => decodeImage(zero, 'zero.tif')).toThrow(/^zero\.tif: TIFF tiles of an impossible size 256 × 0$/);
});
