// Our own PNG decoder (fast-png 8 took a truecolour image's suggested PLTE for a palette,
// failed every Adam7 image below 8 bits, and checked no CRC). Values as stored: gamma, iCCP,
// sBIT and tRNS are ignored, 16-bit stays 16-bit, palettes and sub-byte grey are expanded.
// Every chunk's CRC and the zlib stream's Adler-32 are checked; the pixel buffer is sized from
// the validated header, never from the data.
import type * as Fflate from 'fflate';
import { ImageStackError } from '../errors';
import { checkImageSize, DEFAULT_MAX_PIXELS } from './limits';
import { expandPalette } from './unpack';
import type { DecodedImage, ImageHeader } from './types';

// Loaded on the first PNG decoded (~30 ms): a process reading BMPs or probing PNGs starts without it.
let fflate: typeof Fflate | undefined;
const inflateSync = (data: Uint8Array, opts: { out: Uint8Array }): Uint8Array => (fflate ??= require('fflate') as typeof Fflate).inflateSync(data, opts);

const COLOUR_TYPE_CHANNELS: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Bit depths the PNG specification allows per colour type. */
const ALLOWED_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const KIND = ['grey', '', 'RGB', 'palette', 'grey+alpha', '', 'RGBA'];

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 of bytes [start, end) (the PNG chunk CRC: over type and data). */
export function crc32(b: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  const n = b.length;
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + 3800); // keeps s below 2^31 before the modulo
    for (; i < end; i++) {
      a += b[i];
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  return ((s << 16) | a) >>> 0;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

interface PngStructure {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  interlaced: boolean;
  /** PLTE entries (colour type 3 only: elsewhere PLTE is a suggestion for displays, ignored). */
  palette: number[][] | null;
  /** [start, end) of each IDAT chunk's data, in order. */
  idat: [number, number][];
  idatBytes: number;
  warnings: string[];
}

/**
 * Walk the chunks: signature, IHDR first and valid, every CRC, PLTE where colour type 3 needs
 * it, IDAT chunks consecutive, IEND. With only the start of the file (`complete` false) the
 * walk stops at the end of the bytes given.
 */
function readStructure(b: Uint8Array, name: string, maxPixels: number, complete: boolean): PngStructure {
  const n = b.length;
  if (n < 33 || u32(b, 8) !== 13 || b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) {
    throw new ImageStackError('corrupt', 'truncated PNG: no IHDR chunk', name);
  }
  const width = u32(b, 16);
  const height = u32(b, 20);
  const depth = b[24];
  const colourType = b[25];
  if (!ALLOWED_DEPTHS[colourType]) throw new ImageStackError('corrupt', `PNG header with an invalid colour type ${colourType}`, name);
  if (!ALLOWED_DEPTHS[colourType].includes(depth)) throw new ImageStackError('corrupt', `PNG header with bit depth ${depth}, invalid for colour type ${colourType} (${KIND[colourType]})`, name);
  if (b[26] !== 0 || b[27] !== 0) throw new ImageStackError('corrupt', `PNG header with an unknown compression (${b[26]}) or filter method (${b[27]})`, name);
  if (b[28] > 1) throw new ImageStackError('corrupt', `PNG header with an unknown interlace method ${b[28]}`, name);
  if (width > 0x7fffffff || height > 0x7fffffff) throw new ImageStackError('corrupt', `the PNG header gives an impossible image size ${width} × ${height}`, name);
  checkImageSize(width, height, name, maxPixels);
  if (crc32(b, 12, 29) !== u32(b, 29)) throw new ImageStackError('corrupt', 'PNG header (IHDR) fails its CRC check: the file is damaged', name);

  let palette: number[][] | null = null;
  const idat: [number, number][] = [];
  let idatBytes = 0;
  let idatDone = false;
  let iend = false;
  const warnings: string[] = [];
  let p = 33;
  while (p + 8 <= n) {
    const len = u32(b, p);
    const type = String.fromCharCode(b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
    if (len > 0x7fffffff) throw new ImageStackError('corrupt', `PNG chunk ${JSON.stringify(type)} at byte ${p} has an impossible length ${len}`, name);
    const data = p + 8;
    const end = data + len;
    if (end + 4 > n) {
      if (!complete) break;
      throw new ImageStackError('corrupt', `truncated: the PNG chunk ${JSON.stringify(type)} at byte ${p} runs past the end of the file`, name);
    }
    if (!/^[A-Za-z]{4}$/.test(type)) throw new ImageStackError('corrupt', `PNG chunk with an invalid name at byte ${p}: the file is damaged`, name);
    if (crc32(b, p + 4, end) !== u32(b, end)) throw new ImageStackError('corrupt', `PNG chunk ${type} at byte ${p} fails its CRC check: the file is damaged`, name);
    if (type === 'IDAT') {
      if (idatDone) throw new ImageStackError('corrupt', 'PNG image data (IDAT) split by other chunks', name);
      idat.push([data, end]);
      idatBytes += len;
    } else {
      if (idat.length) idatDone = true;
      if (type === 'IEND') {
        iend = true;
        break;
      }
      if (type === 'IHDR') throw new ImageStackError('corrupt', 'PNG with a second IHDR chunk', name);
      if (type === 'PLTE') {
        if (idat.length) throw new ImageStackError('corrupt', 'PNG palette (PLTE) after the image data', name);
        if (len % 3 !== 0 || len === 0 || len > 768) throw new ImageStackError('corrupt', `PNG palette (PLTE) of ${len} bytes (must be 3 to 768, a multiple of 3)`, name);
        if (colourType === 3) {
          palette = [];
          for (let i = data; i < end; i += 3) palette.push([b[i], b[i + 1], b[i + 2]]);
        }
      } else if ((b[p + 4] & 0x20) === 0) {
        throw new ImageStackError('unsupported-format', `PNG with an unknown critical chunk ${JSON.stringify(type)}`, name);
      }
    }
    p = end + 4;
  }
  if (complete) {
    if (!idat.length) throw new ImageStackError('corrupt', 'PNG without image data (no IDAT chunk)', name);
    if (colourType === 3 && !palette) throw new ImageStackError('corrupt', 'palette PNG without a palette (PLTE chunk)', name);
    if (!iend) warnings.push('no IEND chunk at the end of the PNG (the file may be truncated after its image data)');
  }
  return { width, height, depth, colourType, interlaced: b[28] === 1, palette, idat, idatBytes, warnings };
}

function header(s: PngStructure): ImageHeader {
  const channels = s.colourType === 3 ? 3 : COLOUR_TYPE_CHANNELS[s.colourType];
  const h: ImageHeader = {
    format: 'png',
    width: s.width,
    height: s.height,
    channels,
    bitDepth: s.depth === 16 ? 16 : 8,
    pages: 1,
    detail: `PNG ${s.depth}-bit ${KIND[s.colourType]}${s.interlaced ? ' interlaced' : ''}`,
  };
  if (s.warnings.length) h.warnings = s.warnings;
  return h;
}

/**
 * The header, and with the whole file (`fileSize` absent or equal to `bytes.length`) the
 * whole chunk structure with every CRC: what the probe accepts, the decoder reads.
 */
export function probePng(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS, fileSize = bytes.length): ImageHeader {
  return header(readStructure(bytes, name, maxPixels, fileSize <= bytes.length));
}

/** The seven Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** Undo the per-row filters of one pass in place: `rows` rows of `rowBytes` bytes, each after its filter byte, starting at `at`. */
function unfilter(buf: Uint8Array, at: number, rows: number, rowBytes: number, bpp: number, name: string): void {
  const stride = rowBytes + 1;
  for (let y = 0; y < rows; y++) {
    const f = at + y * stride;
    const o = f + 1;
    const prev = y > 0 ? o - stride : -1;
    const end = o + rowBytes;
    switch (buf[f]) {
      case 0:
        break;
      case 1:
        for (let i = o + bpp; i < end; i++) buf[i] = (buf[i] + buf[i - bpp]) & 0xff;
        break;
      case 2:
        if (prev >= 0) for (let i = o, j = prev; i < end; i++, j++) buf[i] = (buf[i] + buf[j]) & 0xff;
        break;
      case 3:
        if (prev >= 0) {
          for (let i = o, j = prev; i < o + bpp; i++, j++) buf[i] = (buf[i] + (buf[j] >>> 1)) & 0xff;
          for (let i = o + bpp, j = prev + bpp; i < end; i++, j++) buf[i] = (buf[i] + ((buf[i - bpp] + buf[j]) >>> 1)) & 0xff;
        } else {
          for (let i = o + bpp; i < end; i++) buf[i] = (buf[i] + (buf[i - bpp] >>> 1)) & 0xff;
        }
        break;
      case 4:
        if (prev >= 0) {
          for (let i = o, j = prev; i < o + bpp; i++, j++) buf[i] = (buf[i] + buf[j]) & 0xff;
          for (let i = o + bpp, j = prev + bpp; i < end; i++, j++) {
            const a = buf[i - bpp];
            const b = buf[j];
            const c = buf[j - bpp];
            const pa = Math.abs(b - c);
            const pb = Math.abs(a - c);
            const pc = Math.abs(a + b - 2 * c);
            buf[i] = (buf[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
          }
        } else {
          for (let i = o + bpp; i < end; i++) buf[i] = (buf[i] + buf[i - bpp]) & 0xff;
        }
        break;
      default:
        throw new ImageStackError('corrupt', `PNG row with an unknown filter type ${buf[f]}: the image data is damaged`, name);
    }
  }
}

export function decodePng(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS): DecodedImage {
  const s = readStructure(bytes, name, maxPixels, true);
  const { width: w, height: h, depth, colourType } = s;
  const spp = COLOUR_TYPE_CHANNELS[colourType];
  const bitsPerPixel = spp * depth;
  const bpp = Math.max(1, bitsPerPixel >>> 3);
  const passes = s.interlaced ? ADAM7 : [[0, 0, 1, 1]];
  // The exact size of the filtered data, from the header.
  let rawSize = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((w - x0) / dx);
    const ph = Math.ceil((h - y0) / dy);
    if (pw > 0 && ph > 0) rawSize += ph * (1 + Math.ceil((pw * bitsPerPixel) / 8));
  }
  const z = new Uint8Array(s.idatBytes);
  for (let i = 0, o = 0; i < s.idat.length; i++) {
    const [a, e] = s.idat[i];
    z.set(bytes.subarray(a, e), o);
    o += e - a;
  }
  if (z.length < 6 || (z[0] & 15) !== 8 || z[0] >>> 4 > 7 || ((z[0] << 8) | z[1]) % 31 !== 0 || z[1] & 32) {
    throw new ImageStackError('corrupt', 'PNG image data is not a valid zlib stream', name);
  }
  // One byte more than the header needs: fflate writes no further than the buffer it is given,
  // so a longer stream shows as a full buffer (extra data is ignored, as libpng and Pillow do).
  const buf = new Uint8Array(rawSize + 1);
  let got: Uint8Array;
  try {
    got = inflateSync(z.subarray(2, z.length - 4), { out: buf });
  } catch (e) {
    throw new ImageStackError('corrupt', `PNG image data could not be decompressed (${(e as Error).message})`, name);
  }
  if (got.length < rawSize) throw new ImageStackError('corrupt', `truncated PNG image data: ${got.length} of ${rawSize} bytes`, name);
  const raw = buf.subarray(0, rawSize);
  if (got.length === rawSize && adler32(raw) !== u32(z, z.length - 4)) {
    throw new ImageStackError('corrupt', 'PNG image data fails its Adler-32 check: the file is damaged', name);
  }

  const n = w * h;
  const samples = depth === 16 ? new Uint16Array(n * spp) : new Uint8Array(n * spp);
  let at = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((w - x0) / dx);
    const ph = Math.ceil((h - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const rowBytes = Math.ceil((pw * bitsPerPixel) / 8);
    unfilter(raw, at, ph, rowBytes, bpp, name);
    for (let py = 0; py < ph; py++) {
      const o = at + py * (rowBytes + 1) + 1;
      const y = y0 + py * dy;
      if (depth === 8 && dx === 1) {
        samples.set(raw.subarray(o, o + rowBytes), y * w * spp);
      } else if (depth === 16) {
        for (let px = 0, i = o; px < pw; px++) {
          const d = (y * w + x0 + px * dx) * spp;
          for (let c = 0; c < spp; c++, i += 2) samples[d + c] = (raw[i] << 8) | raw[i + 1];
        }
      } else if (depth === 8) {
        for (let px = 0, i = o; px < pw; px++) {
          const d = (y * w + x0 + px * dx) * spp;
          for (let c = 0; c < spp; c++, i++) samples[d + c] = raw[i];
        }
      } else {
        // 1, 2 or 4 bits, one sample per pixel (grey or palette), most significant bits first.
        const mask = (1 << depth) - 1;
        for (let px = 0; px < pw; px++) {
          const bit = px * depth;
          samples[y * w + x0 + px * dx] = (raw[o + (bit >>> 3)] >>> (8 - depth - (bit & 7))) & mask;
        }
      }
    }
    at += ph * (rowBytes + 1);
  }

  if (colourType === 3) {
    const pal = s.palette!;
    const idx = samples as Uint8Array;
    for (let i = 0; i < n; i++) {
      if (idx[i] >= pal.length) {
        throw new ImageStackError('corrupt', `PNG pixel ${i % w},${(i / w) | 0} uses palette entry ${idx[i]}, but the palette has ${pal.length}`, name);
      }
    }
    const { channels, data } = expandPalette(idx, pal);
    return { width: w, height: h, channels, bitDepth: 8, data };
  }
  if (depth < 8) {
    const mul = 255 / ((1 << depth) - 1); // bit replication: 1-bit 0/255, 2-bit ×85, 4-bit ×17
    for (let i = 0; i < n; i++) samples[i] *= mul;
  }
  return { width: w, height: h, channels: spp, bitDepth: depth === 16 ? 16 : 8, data: samples };
}
