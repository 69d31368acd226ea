// Our own BMP decoder: no npm decoder is correct on every variant (DESIGN.md). Everything is
// taken from the header (row padding, palette size and position, pixel offset, bitfield masks),
// and every loop is a tight typed-array loop with no per-pixel function calls.
import { ImageStackError } from '../errors';
import { greyRows } from './greyKernel';
import { checkImageSize, DEFAULT_MAX_PIXELS } from './limits';
import type { DecodedImage, ImageHeader } from './types';

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_JPEG = 4;
const BI_PNG = 5;
const BI_ALPHABITFIELDS = 6;

/** Everything the header says, resolved: what the pixel loops need. */
export interface BmpHeader {
  width: number;
  height: number;
  /** Rows stored top row first (negative height in the header). */
  topDown: boolean;
  bitCount: number;
  compression: number;
  /** Size of the DIB header: 12 (OS/2 1.x core), 16..64 (OS/2 2.x), 40 (v3), 52/56, 108 (v4), 124 (v5). */
  headerSize: number;
  dataOffset: number;
  /** Bytes per stored row, padded to 4 bytes (uncompressed only). */
  stride: number;
  /** RGB triples for 256 entries (unused entries black), or null for 16/24/32-bit. */
  palette: Uint8Array | null;
  paletteColours: number;
  /** Every palette entry has R = G = B: decode straight to one grey channel. */
  paletteIsGrey: boolean;
  masks: { r: number; g: number; b: number; a: number } | null;
  /** Harmless header oddities tolerated (as Pillow does), for the stack check to show. */
  warnings: string[];
}

function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
function i32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

/** Parse and validate a BMP header. Throws ImageStackError naming `name`; allocates nothing big. */
export function readBmpHeader(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS, fileSize = bytes.length): BmpHeader {
  // `bytes` may be only the start of the file when probing; `fileSize` is the whole file's size.
  const len = fileSize;
  if (len === 0 || bytes.length === 0) throw new ImageStackError('empty', 'the file is empty (0 bytes)', name);
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) {
    throw new ImageStackError('corrupt', 'not a complete BMP header (file too short or no "BM" signature)', name);
  }
  const dataOffset = u32(bytes, 10);
  const headerSize = u32(bytes, 14);
  if (bytes.length < 14 + Math.min(headerSize, 40)) throw new ImageStackError('corrupt', 'truncated BMP header', name);

  let width: number;
  let rawHeight: number;
  let bitCount: number;
  let compression = BI_RGB;
  let coloursUsed = 0;
  let paletteEntrySize = 4;
  let masksAt = -1;
  let alphaMaskToo = false;
  let os2v2 = false;
  let planes = 1;
  let sizeImage = 0;
  let density: [number, number] = [0, 0];
  if (headerSize === 12) {
    // OS/2 1.x BITMAPCOREHEADER (ImageMagick's "BMP2:"): unsigned 16-bit sizes, 3-byte palette.
    width = u16(bytes, 18);
    rawHeight = u16(bytes, 20);
    planes = u16(bytes, 22);
    bitCount = u16(bytes, 24);
    paletteEntrySize = 3;
  } else if (headerSize === 40 || headerSize === 52 || headerSize === 56 || headerSize === 108 || headerSize === 124 || (headerSize >= 16 && headerSize <= 64)) {
    os2v2 = headerSize >= 16 && headerSize <= 64 && headerSize !== 40 && headerSize !== 52 && headerSize !== 56;
    width = i32(bytes, 18);
    rawHeight = i32(bytes, 22);
    planes = u16(bytes, 26);
    bitCount = u16(bytes, 28);
    if (headerSize >= 20) compression = u32(bytes, 30);
    if (headerSize >= 24) sizeImage = u32(bytes, 34);
    if (headerSize >= 32) density = [i32(bytes, 38), i32(bytes, 42)];
    if (headerSize >= 36) coloursUsed = u32(bytes, 46);
    if (!os2v2 && (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS)) {
      if (headerSize >= 52) {
        masksAt = 54;
        alphaMaskToo = headerSize >= 56;
      } else {
        masksAt = 14 + headerSize; // v3 header: the masks follow it
        alphaMaskToo = compression === BI_ALPHABITFIELDS;
      }
    }
  } else {
    throw new ImageStackError('unsupported-format', `unknown BMP header size ${headerSize}`, name);
  }

  if (os2v2 && (compression === 3 || compression === 4)) {
    throw new ImageStackError('unsupported-format', `OS/2 BMP compression ${compression === 3 ? 'Huffman 1D' : 'RLE24'} is not supported; re-save as uncompressed BMP`, name);
  }
  if (compression === BI_JPEG || compression === BI_PNG) {
    throw new ImageStackError(
      'unsupported-format',
      `BMP with an embedded ${compression === BI_JPEG ? 'JPEG' : 'PNG'} (compression ${compression}) is not supported; re-save as uncompressed BMP or as ${compression === BI_JPEG ? 'JPEG' : 'PNG'}`,
      name,
    );
  }
  if (compression > BI_ALPHABITFIELDS) {
    throw new ImageStackError('unsupported-format', `unknown BMP compression ${compression}`, name);
  }
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  checkImageSize(width, height, name, maxPixels);

  if (![1, 4, 8, 16, 24, 32].includes(bitCount)) {
    throw new ImageStackError('unsupported-format', `BMP with ${bitCount} bits per pixel is not supported`, name);
  }
  if (compression === BI_RLE8 && bitCount !== 8) throw new ImageStackError('corrupt', `RLE8 compression with ${bitCount} bits per pixel`, name);
  if (compression === BI_RLE4 && bitCount !== 4) throw new ImageStackError('corrupt', `RLE4 compression with ${bitCount} bits per pixel`, name);
  if ((compression === BI_RLE8 || compression === BI_RLE4) && topDown) {
    throw new ImageStackError('corrupt', 'an RLE-compressed BMP cannot be stored top-down (the header gives a negative height)', name);
  }
  if ((compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) && bitCount !== 16 && bitCount !== 32) {
    throw new ImageStackError('corrupt', `bitfield compression with ${bitCount} bits per pixel`, name);
  }

  let masks: BmpHeader['masks'] = null;
  if (masksAt >= 0) {
    if (masksAt + (alphaMaskToo ? 16 : 12) > bytes.length) throw new ImageStackError('corrupt', 'truncated BMP bitfield masks', name);
    masks = { r: u32(bytes, masksAt), g: u32(bytes, masksAt + 4), b: u32(bytes, masksAt + 8), a: alphaMaskToo ? u32(bytes, masksAt + 12) : 0 };
    for (const [c, m] of [['red', masks.r], ['green', masks.g], ['blue', masks.b]] as const) {
      if (m === 0) throw new ImageStackError('corrupt', `the BMP bitfield mask for ${c} is empty`, name);
    }
  } else if (bitCount === 16) {
    masks = { r: 0x7c00, g: 0x03e0, b: 0x001f, a: 0 }; // 16-bit BI_RGB is 5-5-5
  } else if (bitCount === 32 && compression === BI_RGB) {
    masks = null; // B, G, R, unused byte
  }

  const warnings: string[] = [];
  if (planes !== 1) warnings.push(`the header gives ${planes} colour planes instead of 1 (ignored)`);
  const [dx, dy] = density;
  if (Math.abs(dx) > 1e6 || Math.abs(dy) > 1e6 || dx < 0 || dy < 0 || (dx > 0 && dy > 0 && Math.max(dx, dy) / Math.min(dx, dy) > 100)) {
    warnings.push(`the header gives an implausible pixel density of ${dx} × ${dy} pixels per metre (ignored: spacing comes from the geometry you enter)`);
  }
  const declaredFileSize = u32(bytes, 2);
  if (declaredFileSize !== 0 && declaredFileSize !== len) warnings.push(`the header's file size field says ${declaredFileSize} bytes, the file has ${len} (ignored)`);
  let palette: Uint8Array | null = null;
  let paletteColours = 0;
  let paletteIsGrey = false;
  if (bitCount <= 8) {
    const paletteAt = 14 + headerSize + (masksAt === 14 + headerSize ? (alphaMaskToo ? 16 : 12) : 0);
    const maxColours = 1 << bitCount;
    if (coloursUsed > maxColours) {
      // More colours than the indices can reach: harmless when they fit before the pixels
      // (the extra entries are never used), absurd when they cannot.
      if (paletteAt + coloursUsed * paletteEntrySize > Math.min(dataOffset, len)) {
        throw new ImageStackError('corrupt', `the BMP header says the palette has ${coloursUsed} colours, more than ${bitCount}-bit indices can use (${maxColours}) and more than the file holds`, name);
      }
      warnings.push(`the header says the palette has ${coloursUsed} colours, more than ${bitCount}-bit indices can use (${maxColours}); the extra ones are ignored`);
    }
    let wanted = coloursUsed > 0 && coloursUsed < maxColours ? coloursUsed : maxColours;
    // The palette ends where the pixels start: trust the offset over a lying colour count.
    const room = Math.floor(((dataOffset > paletteAt ? Math.min(dataOffset, bytes.length) : bytes.length) - paletteAt) / paletteEntrySize);
    if (room < wanted) wanted = Math.max(0, room);
    if (wanted === 0) throw new ImageStackError('corrupt', 'the BMP palette is missing', name);
    palette = new Uint8Array(256 * 3);
    paletteIsGrey = true;
    for (let i = 0; i < wanted; i++) {
      const o = paletteAt + i * paletteEntrySize;
      const b = bytes[o];
      const g = bytes[o + 1];
      const r = bytes[o + 2];
      palette[i * 3] = r;
      palette[i * 3 + 1] = g;
      palette[i * 3 + 2] = b;
      if (r !== g || g !== b) paletteIsGrey = false;
    }
    paletteColours = wanted;
  }

  const stride = (((bitCount * width + 31) >>> 5) << 2) >>> 0;
  if (dataOffset < 14 + Math.min(headerSize, 40) || dataOffset >= len) {
    throw new ImageStackError('corrupt', `the BMP pixel data offset ${dataOffset} lies outside the file (${len} bytes)`, name);
  }
  if (compression === BI_RGB || compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    // The last row's padding may be missing; its pixels may not.
    const needed = dataOffset + stride * (height - 1) + Math.ceil((bitCount * width) / 8);
    if (needed > len) {
      throw new ImageStackError('corrupt', `truncated: the header needs ${needed} bytes, the file has ${len}`, name);
    }
    if (sizeImage !== 0 && sizeImage !== stride * height && sizeImage > len) warnings.push(`the header's image size field says ${sizeImage} bytes, more than the file holds (ignored: the size follows from width, height and bit depth)`);
  }
  return { width, height, topDown, bitCount, compression, headerSize, dataOffset, stride, palette, paletteColours, paletteIsGrey, masks, warnings };
}

/**
 * Whether the probe needs the whole file to agree with the decoder: RLE runs, and the pixel
 * indices of a palette shorter than its bit depth allows, can only be checked in the data.
 * `head` is the start of the file (at least its first 54 bytes).
 */
export function bmpNeedsWholeFile(head: Uint8Array): boolean {
  if (head.length < 50) return false;
  const headerSize = u32(head, 14);
  if (headerSize < 40) return false;
  const bitCount = u16(head, 28);
  const compression = u32(head, 30);
  const coloursUsed = u32(head, 46);
  return compression === BI_RLE8 || compression === BI_RLE4 || (bitCount <= 8 && coloursUsed > 0 && coloursUsed < 1 << bitCount);
}

/** Every palette index of an uncompressed paletted BMP lies inside its palette (checked only when the palette is short). */
function checkIndices(b: Uint8Array, h: BmpHeader, name: string): void {
  const bits = h.bitCount;
  if (!h.palette || h.compression !== BI_RGB || h.paletteColours >= 1 << bits) return;
  const colours = h.paletteColours;
  const w = h.width;
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  for (let r = 0; r < h.height; r++) {
    const s0 = rowStart(h, r);
    for (let x = 0; x < w; x++) {
      const idx = bits === 8 ? b[s0 + x] : (b[s0 + ((x / perByte) | 0)] >>> (8 - bits - (x % perByte) * bits)) & mask;
      if (idx >= colours) throw badIndex(h, x, destRow(h, r), idx, name);
    }
  }
}

function badIndex(h: BmpHeader, x: number, y: number, idx: number, name: string): ImageStackError {
  return new ImageStackError('corrupt', `BMP pixel ${x},${y} uses palette entry ${idx}, but the palette has ${h.paletteColours}`, name);
}

/** The header as a cheap description for stack planning. */
export function probeBmp(bytes: Uint8Array, name: string, maxPixels?: number, fileSize?: number): ImageHeader {
  const h = readBmpHeader(bytes, name, maxPixels, fileSize);
  // With the whole file: what only the data can show (RLE runs, indices past a short palette).
  if (fileSize === undefined || bytes.length >= fileSize) {
    if (h.compression === BI_RLE8 || h.compression === BI_RLE4) decodeRle(bytes, h, name);
    else checkIndices(bytes, h, name);
  }
  const channels = h.palette ? (h.paletteIsGrey ? 1 : 3) : h.masks && h.masks.a ? 4 : 3;
  const kind = h.headerSize === 12 ? 'OS/2 ' : h.headerSize === 124 ? 'v5 ' : h.headerSize === 108 ? 'v4 ' : '';
  const comp = ['', ' RLE8', ' RLE4', ' bitfields', '', '', ' bitfields+alpha'][h.compression] ?? '';
  const head: ImageHeader = { format: 'bmp', width: h.width, height: h.height, channels, bitDepth: 8, pages: 1, detail: `BMP ${kind}${h.bitCount}-bit${comp}${h.topDown ? ' top-down' : ''}` };
  if (h.warnings.length) head.warnings = h.warnings;
  return head;
}

/** Decode a BMP to 8-bit grey (grey palettes), RGB or RGBA (bitfields with an alpha mask). */
export function decodeBmp(bytes: Uint8Array, name: string, maxPixels?: number): DecodedImage {
  const h = readBmpHeader(bytes, name, maxPixels);
  const { width: w, height: ht } = h;
  if (h.compression === BI_RLE8 || h.compression === BI_RLE4) {
    const indices = decodeRle(bytes, h, name);
    return expandIndices(indices, h);
  }
  if (h.palette) {
    checkIndices(bytes, h, name);
    return decodePaletted(bytes, h);
  }
  if (h.bitCount === 24) return decode24(bytes, h);
  if (h.bitCount === 32 && !h.masks) return decode32Bgrx(bytes, h);
  const m = h.masks!;
  if (h.bitCount === 32 && m.r === 0xff0000 && m.g === 0xff00 && m.b === 0xff && (m.a === 0 || m.a === 0xff000000)) {
    return m.a ? decode32Bgra(bytes, h) : decode32Bgrx(bytes, h);
  }
  return decodeBitfields(bytes, h, w, ht);
}

function rowStart(h: BmpHeader, storedRow: number): number {
  return h.dataOffset + storedRow * h.stride;
}
function destRow(h: BmpHeader, storedRow: number): number {
  return h.topDown ? storedRow : h.height - 1 - storedRow;
}

function decode24(b: Uint8Array, h: BmpHeader): DecodedImage {
  const w = h.width;
  const out = new Uint8Array(w * h.height * 3);
  const rowBytes = w * 3;
  // Four pixels at a time where the output row starts on a 4-byte boundary: three unaligned
  // 32-bit loads (B0 G0 R0 B1 | G1 R1 B2 G2 | R2 B3 G3 R3) and three aligned 32-bit stores,
  // 2.5× faster than byte by byte.
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const o32 = new Uint32Array(out.buffer, 0, out.length >>> 2);
  const groups = w >>> 2;
  for (let r = 0; r < h.height; r++) {
    let s = rowStart(h, r);
    let d = destRow(h, r) * rowBytes;
    const end = d + rowBytes;
    if ((d & 3) === 0) {
      let q = d >>> 2;
      const qEnd = q + groups * 3;
      for (; q < qEnd; q += 3, s += 12) {
        const w0 = dv.getUint32(s, true);
        const w1 = dv.getUint32(s + 4, true);
        const w2 = dv.getUint32(s + 8, true);
        // R0 G0 B0 R1 | G1 B1 R2 G2 | B2 R3 G3 B3
        o32[q] = ((w0 >>> 16) & 0xff) | (w0 & 0xff00) | ((w0 & 0xff) << 16) | ((w1 >>> 8) << 24);
        o32[q + 1] = (w1 & 0xff) | ((w0 >>> 24) << 8) | ((w2 & 0xff) << 16) | ((w1 >>> 24) << 24);
        o32[q + 2] = ((w1 >>> 16) & 0xff) | ((w2 >>> 24) << 8) | (((w2 >>> 16) & 0xff) << 16) | (((w2 >>> 8) & 0xff) << 24);
      }
      d = q << 2;
    }
    while (d < end) {
      out[d] = b[s + 2];
      out[d + 1] = b[s + 1];
      out[d + 2] = b[s];
      d += 3;
      s += 3;
    }
  }
  return { width: w, height: h.height, channels: 3, bitDepth: 8, data: out };
}

function decode32Bgrx(b: Uint8Array, h: BmpHeader): DecodedImage {
  const w = h.width;
  const out = new Uint8Array(w * h.height * 3);
  const rowBytes = w * 3;
  for (let r = 0; r < h.height; r++) {
    let s = rowStart(h, r);
    let d = destRow(h, r) * rowBytes;
    const end = d + rowBytes;
    while (d < end) {
      out[d] = b[s + 2];
      out[d + 1] = b[s + 1];
      out[d + 2] = b[s];
      d += 3;
      s += 4;
    }
  }
  return { width: w, height: h.height, channels: 3, bitDepth: 8, data: out };
}

function decode32Bgra(b: Uint8Array, h: BmpHeader): DecodedImage {
  const w = h.width;
  const out = new Uint8Array(w * h.height * 4);
  const rowBytes = w * 4;
  for (let r = 0; r < h.height; r++) {
    let s = rowStart(h, r);
    let d = destRow(h, r) * rowBytes;
    const end = d + rowBytes;
    while (d < end) {
      out[d] = b[s + 2];
      out[d + 1] = b[s + 1];
      out[d + 2] = b[s];
      out[d + 3] = b[s + 3];
      d += 4;
      s += 4;
    }
  }
  return { width: w, height: h.height, channels: 4, bitDepth: 8, data: out };
}

/** Shift and width of a contiguous bit mask, and a table scaling its values to 0..255 by bit replication. */
function maskChannel(mask: number): { shift: number; lut: Uint8Array; bits: number } {
  if (mask === 0) return { shift: 0, lut: new Uint8Array(1), bits: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (shift + bits < 32 && ((mask >>> (shift + bits)) & 1) === 1) bits++;
  const size = 1 << Math.min(bits, 16);
  const lut = new Uint8Array(size);
  for (let v = 0; v < size; v++) {
    if (bits >= 8) lut[v] = v >>> (Math.min(bits, 16) - 8);
    else {
      // Replicate the bits downwards: 5-bit 31 → 255, 6-bit 63 → 255, 1-bit 1 → 255.
      let x = 0;
      for (let filled = 0; filled < 8; filled += bits) x = (x << bits) | v;
      lut[v] = x >>> (Math.ceil(8 / bits) * bits - 8);
    }
  }
  return { shift, lut, bits };
}

function decodeBitfields(b: Uint8Array, h: BmpHeader, w: number, ht: number): DecodedImage {
  const m = h.masks!;
  const R = maskChannel(m.r);
  const G = maskChannel(m.g);
  const B = maskChannel(m.b);
  const A = maskChannel(m.a);
  const channels = m.a ? 4 : 3;
  // Channels wider than 16 bits are cut to their top 16 before the table.
  const rExtra = Math.max(0, R.bits - 16);
  const gExtra = Math.max(0, G.bits - 16);
  const bExtra = Math.max(0, B.bits - 16);
  const aExtra = Math.max(0, A.bits - 16);
  const rs = R.shift + rExtra;
  const gs = G.shift + gExtra;
  const bs = B.shift + bExtra;
  const as = A.shift + aExtra;
  const rm = R.lut.length - 1;
  const gm = G.lut.length - 1;
  const bm = B.lut.length - 1;
  const am = A.lut.length - 1;
  const out = new Uint8Array(w * ht * channels);
  const rowBytes = w * channels;
  const rl = R.lut;
  const gl = G.lut;
  const bl = B.lut;
  const al = A.lut;
  const is16 = h.bitCount === 16;
  for (let r = 0; r < ht; r++) {
    let s = rowStart(h, r);
    let d = destRow(h, r) * rowBytes;
    const end = d + rowBytes;
    while (d < end) {
      let px: number;
      if (is16) {
        px = b[s] | (b[s + 1] << 8);
        s += 2;
      } else {
        px = (b[s] | (b[s + 1] << 8) | (b[s + 2] << 16) | (b[s + 3] << 24)) >>> 0;
        s += 4;
      }
      out[d] = rl[(px >>> rs) & rm];
      out[d + 1] = gl[(px >>> gs) & gm];
      out[d + 2] = bl[(px >>> bs) & bm];
      if (channels === 4) out[d + 3] = al[(px >>> as) & am];
      d += channels;
    }
  }
  return { width: w, height: ht, channels, bitDepth: 8, data: out };
}

function decodePaletted(b: Uint8Array, h: BmpHeader): DecodedImage {
  const w = h.width;
  const ht = h.height;
  const pal = h.palette!;
  const bits = h.bitCount;
  const grey = h.paletteIsGrey;
  const channels = grey ? 1 : 3;
  const out = new Uint8Array(w * ht * channels);
  const greyLut = new Uint8Array(256);
  for (let i = 0; i < 256; i++) greyLut[i] = pal[i * 3];
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  for (let r = 0; r < ht; r++) {
    const s0 = rowStart(h, r);
    let d = destRow(h, r) * w * channels;
    if (bits === 8) {
      if (grey) for (let x = 0; x < w; x++) out[d + x] = greyLut[b[s0 + x]];
      else {
        for (let x = 0; x < w; x++) {
          const p = b[s0 + x] * 3;
          out[d] = pal[p];
          out[d + 1] = pal[p + 1];
          out[d + 2] = pal[p + 2];
          d += 3;
        }
      }
    } else {
      for (let x = 0; x < w; x++) {
        const byte = b[s0 + ((x / perByte) | 0)];
        const idx = (byte >>> (8 - bits - (x % perByte) * bits)) & mask;
        if (grey) out[d + x] = greyLut[idx];
        else {
          const p = idx * 3;
          out[d] = pal[p];
          out[d + 1] = pal[p + 1];
          out[d + 2] = pal[p + 2];
          d += 3;
        }
      }
    }
  }
  return { width: w, height: ht, channels, bitDepth: 8, data: out };
}

/**
 * Run-length decoding (RLE8, RLE4) to palette indices: encoded runs, end of line (0,0),
 * end of bitmap (0,1), delta (0,2,dx,dy) and absolute runs (0,n, n indices, padded to 16 bits).
 * Pixels a delta or an early end of line or bitmap skips stay index 0 (as ImageMagick and
 * Windows leave them). A run past the end of its row, a delta outside the image, data past
 * the last row and an index past the palette are errors: the file is damaged, and clipping
 * would return a wrong image without a word.
 */
function decodeRle(b: Uint8Array, h: BmpHeader, name: string): Uint8Array {
  const w = h.width;
  const ht = h.height;
  const rle4 = h.compression === BI_RLE4;
  const kind = rle4 ? 'RLE4' : 'RLE8';
  const idx = new Uint8Array(w * ht);
  const len = b.length;
  // Runs may fill the row's padding (ImageMagick's encoder codes whole padded rows): those
  // pixels are dropped. Past the padding a run is damage.
  const padded = Math.floor((h.stride * 8) / h.bitCount);
  const overrun = (what: string) => new ImageStackError('corrupt', `${kind} data damaged: ${what} (row ${r + 1} of ${ht}, width ${w})`, name);
  let p = h.dataOffset;
  let x = 0;
  let r = 0;
  let base = destRow(h, 0) * w;
  let ended = false;
  while (p + 1 < len) {
    const n = b[p];
    const c = b[p + 1];
    p += 2;
    if (n === 0 && c === 1) {
      ended = true;
      break;
    }
    if (r >= ht) throw overrun('more runs after the last row');
    if (n > 0) {
      if (x + n > padded) throw overrun(`a run of ${n} pixels from column ${x + 1} overruns the row`);
      const next = x + n;
      const stop = Math.min(next, w);
      if (rle4) {
        const hi = c >>> 4;
        const lo = c & 15;
        for (let i = 0; x < stop; i++, x++) idx[base + x] = i & 1 ? lo : hi;
      } else {
        for (; x < stop; x++) idx[base + x] = c;
      }
      x = next;
    } else if (c === 0) {
      x = 0;
      r++;
      if (r < ht) base = destRow(h, r) * w;
    } else if (c === 2) {
      if (p + 1 >= len) break;
      x += b[p];
      r += b[p + 1];
      p += 2;
      if (x > w || r > ht || (r === ht && x > 0)) throw overrun('a delta moves outside the image');
      if (r < ht) base = destRow(h, r) * w;
    } else {
      const bytesUsed = rle4 ? (c + 1) >>> 1 : c;
      if (p + bytesUsed > len) throw new ImageStackError('corrupt', 'truncated: an RLE absolute run runs past the end of the file', name);
      if (x + c > padded) throw overrun(`an absolute run of ${c} pixels from column ${x + 1} overruns the row`);
      const next = x + c;
      const stop = Math.min(next, w);
      if (rle4) {
        for (let i = 0; x < stop; i++, x++) {
          const byte = b[p + (i >>> 1)];
          idx[base + x] = i & 1 ? byte & 15 : byte >>> 4;
        }
      } else {
        for (let i = 0; x < stop; i++, x++) idx[base + x] = b[p + i];
      }
      x = next;
      p += bytesUsed + (bytesUsed & 1);
    }
  }
  // Ran out of data before the end-of-bitmap mark with rows still to fill: truncated file.
  if (!ended && r < ht - 1) {
    throw new ImageStackError('corrupt', `truncated: the ${kind} data ends at row ${r + 1} of ${ht}`, name);
  }
  const colours = h.paletteColours;
  if (colours < 1 << h.bitCount) {
    for (let i = 0; i < idx.length; i++) {
      if (idx[i] >= colours) throw badIndex(h, i % w, (i / w) | 0, idx[i], name);
    }
  }
  return idx;
}

function expandIndices(idx: Uint8Array, h: BmpHeader): DecodedImage {
  const pal = h.palette!;
  const n = idx.length;
  if (h.paletteIsGrey) {
    const lut = new Uint8Array(256);
    for (let i = 0; i < 256; i++) lut[i] = pal[i * 3];
    for (let i = 0; i < n; i++) idx[i] = lut[idx[i]];
    return { width: h.width, height: h.height, channels: 1, bitDepth: 8, data: idx };
  }
  const out = new Uint8Array(n * 3);
  for (let i = 0, d = 0; i < n; i++, d += 3) {
    const p = idx[i] * 3;
    out[d] = pal[p];
    out[d + 1] = pal[p + 1];
    out[d + 2] = pal[p + 2];
  }
  return { width: h.width, height: h.height, channels: 3, bitDepth: 8, data: out };
}

/** A grey slice straight from a BMP, with the count of coloured pixels (see stack/grey.ts). */
export interface BmpGrey {
  width: number;
  height: number;
  data: Uint8Array;
  colouredPixels: number;
}

/**
 * JavaScript's conversion of BGR (step 3) or BGRX (step 4) pixels to grey into `out`: returns
 * `row(s, d, n)`, which converts the n pixels at bytes[s…] into out[d…] and returns how many had
 * colour (B, G, R not all equal; those take the integer luma 0.299 R + 0.587 G + 0.114 B, the
 * others their G, which the same sum gives for grey since its weights add to 65536).
 */
export function bgrRowsToGrey(bytes: Uint8Array, out: Uint8Array, step: 3 | 4) {
  // 24-bit, four pixels at a time where the output row is 4-byte aligned: three unaligned
  // 32-bit loads, one aligned 32-bit store (about 1.7× faster than byte by byte).
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const o32 = step === 3 && (out.byteOffset & 3) === 0 ? new Uint32Array(out.buffer, out.byteOffset, out.length >>> 2) : null;
  return (s: number, d: number, n: number): number => {
    let coloured = 0;
    const end = d + n;
    if (o32 && (d & 3) === 0) {
      let q = d >>> 2;
      const qEnd = q + (n >>> 2);
      for (; q < qEnd; q++, s += 12) {
        const w0 = dv.getUint32(s, true);
        const w1 = dv.getUint32(s + 4, true);
        const w2 = dv.getUint32(s + 8, true);
        const b0 = w0 & 0xff;
        const g0 = (w0 >>> 8) & 0xff;
        const r0 = (w0 >>> 16) & 0xff;
        const b1 = w0 >>> 24;
        const g1 = w1 & 0xff;
        const r1 = (w1 >>> 8) & 0xff;
        const b2 = (w1 >>> 16) & 0xff;
        const g2 = w1 >>> 24;
        const r2 = w2 & 0xff;
        const b3 = (w2 >>> 8) & 0xff;
        const g3 = (w2 >>> 16) & 0xff;
        const r3 = w2 >>> 24;
        let y0 = g0;
        let y1 = g1;
        let y2 = g2;
        let y3 = g3;
        if (b0 !== g0 || g0 !== r0) {
          y0 = (19595 * r0 + 38470 * g0 + 7471 * b0 + 32768) >>> 16;
          coloured++;
        }
        if (b1 !== g1 || g1 !== r1) {
          y1 = (19595 * r1 + 38470 * g1 + 7471 * b1 + 32768) >>> 16;
          coloured++;
        }
        if (b2 !== g2 || g2 !== r2) {
          y2 = (19595 * r2 + 38470 * g2 + 7471 * b2 + 32768) >>> 16;
          coloured++;
        }
        if (b3 !== g3 || g3 !== r3) {
          y3 = (19595 * r3 + 38470 * g3 + 7471 * b3 + 32768) >>> 16;
          coloured++;
        }
        o32[q] = y0 | (y1 << 8) | (y2 << 16) | (y3 << 24);
      }
      d = q << 2;
    }
    for (; d < end; d++, s += step) {
      const b = bytes[s];
      const g = bytes[s + 1];
      const red = bytes[s + 2];
      if (b === g && g === red) out[d] = g;
      else {
        out[d] = (19595 * red + 38470 * g + 7471 * b + 32768) >>> 16;
        coloured++;
      }
    }
    return coloured;
  };
}

/**
 * Decode a BMP straight to one grey channel for the region (x, y, w, h) of the image, without
 * an RGB intermediate: the hot path for 24/32-bit screen captures. Exact where R = G = B;
 * elsewhere Rec. 601 luma in 16-bit fixed point, (19595 R + 38470 G + 7471 B + 32768) >> 16
 * (the weights sum to 65536, so equal channels give back exactly their value). Layouts
 * without a fused loop (RLE, bitfields, 1/4-bit) return null: decode with decodeBmp and
 * convert with stack/grey.ts's toGrey, which uses the same formula.
 */
export function decodeBmpGrey(
  bytes: Uint8Array,
  name: string,
  maxPixels?: number,
  region?: { x: number; y: number; width: number; height: number },
  /** Where to write (at least region width × height long); default a new array. */
  into?: Uint8Array,
): BmpGrey | null {
  const h = readBmpHeader(bytes, name, maxPixels);
  const r = region ?? { x: 0, y: 0, width: h.width, height: h.height };
  const m = h.masks;
  const bgr32 = h.bitCount === 32 && (!m || (m.r === 0xff0000 && m.g === 0xff00 && m.b === 0xff));
  if (h.compression === BI_RGB && h.bitCount === 8 && h.palette) {
    checkIndices(bytes, h, name);
    return paletted8Grey(bytes, h, r, into);
  }
  if (h.compression !== BI_RGB && !bgr32) return null; // no fused loop: the caller decodes and converts
  if (h.bitCount !== 24 && !bgr32) return null;
  const step = h.bitCount === 24 ? 3 : 4;
  const ow = r.width;
  const oh = r.height;
  const out = into ? into.subarray(0, ow * oh) : new Uint8Array(ow * oh);
  let coloured = 0;
  const rowStart = (y: number) => h.dataOffset + (h.topDown ? r.y + y : h.height - 1 - r.y - y) * h.stride + r.x * step;
  // 24-bit through the WebAssembly loop where it runs (greyKernel.ts), else JavaScript's
  const wasm = step === 3 ? greyRows(bytes, rowStart(0), h.topDown ? h.stride : -h.stride, oh, ow, out, 0) : null;
  if (wasm !== null) coloured = wasm;
  else {
    const js = bgrRowsToGrey(bytes, out, step);
    for (let y = 0; y < oh; y++) coloured += js(rowStart(y), y * ow, ow);
  }
  return { width: ow, height: oh, data: out, colouredPixels: coloured };
}

/**
 * The grey value of each of a paletted BMP's 256 codes (the decoder's formula, see toGrey), and
 * which codes are coloured. For callers that threshold the codes without decoding (mesh threads).
 */
export function bmpPaletteGrey(h: BmpHeader): { grey: Uint8Array; coloured: Uint8Array } {
  const pal = h.palette!;
  const lut = new Uint8Array(256);
  const colouredEntry = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    const red = pal[i * 3];
    const g = pal[i * 3 + 1];
    const b = pal[i * 3 + 2];
    if (red === g && g === b) lut[i] = g;
    else {
      lut[i] = (19595 * red + 38470 * g + 7471 * b + 32768) >>> 16;
      colouredEntry[i] = 1;
    }
  }
  return { grey: lut, coloured: colouredEntry };
}

function paletted8Grey(bytes: Uint8Array, h: BmpHeader, r: { x: number; y: number; width: number; height: number }, into?: Uint8Array): BmpGrey {
  const { grey: lut, coloured: colouredEntry } = bmpPaletteGrey(h);
  const ow = r.width;
  const out = into ? into.subarray(0, ow * r.height) : new Uint8Array(ow * r.height);
  let coloured = 0;
  for (let y = 0; y < r.height; y++) {
    const iy = r.y + y;
    const stored = h.topDown ? iy : h.height - 1 - iy;
    const s0 = h.dataOffset + stored * h.stride + r.x;
    const d0 = y * ow;
    for (let x = 0; x < ow; x++) {
      const idx = bytes[s0 + x];
      out[d0 + x] = lut[idx];
      coloured += colouredEntry[idx];
    }
  }
  return { width: ow, height: r.height, data: out, colouredPixels: coloured };
}
