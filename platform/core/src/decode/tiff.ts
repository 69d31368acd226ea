// TIFF through utif2 (pure JS): none, LZW, Deflate, PackBits; predictor 2; 8/16-bit grey and
// RGB (alpha kept), 1-bit bilevel, 4/8-bit palette. Every directory that is a full image is a
// page (a multi-page TIFF is a whole stack); reduced-resolution thumbnails are not pages.
import type * as UTIFTypes from 'utif2';
import { ImageStackError } from '../errors';
import { checkImageSize, DEFAULT_MAX_PIXELS } from './limits';
import { expandPalette, unpackBits } from './unpack';
import type { DecodedImage, ImageHeader } from './types';

type Ifd = UTIFTypes.IFD;

// Loaded on first use (with pako, ~15 ms): decode workers reading BMPs start without it.
let utif: typeof UTIFTypes | undefined;
function UTIF(): typeof UTIFTypes {
  return (utif ??= require('utif2') as typeof UTIFTypes);
}

const COMPRESSIONS: Record<number, string> = { 1: 'uncompressed', 5: 'LZW', 8: 'Deflate', 32946: 'Deflate', 32773: 'PackBits' };
const COMPRESSION_NAMES: Record<number, string> = { 2: 'CCITT RLE', 3: 'CCITT G3', 4: 'CCITT G4', 6: 'old JPEG', 7: 'JPEG', 34712: 'JPEG 2000', 50000: 'ZSTD', 34925: 'LZMA', 50001: 'WebP' };

function tag(ifd: Ifd, t: number, fallback: number): number {
  const v = ifd['t' + t] as number[] | undefined;
  return v && v.length ? Number(v[0]) : fallback;
}

/**
 * Run `fn` with console.log silenced: utif2 prints debugging lines ("==== 3 1" for every tiled
 * image) that would land in the CLI's JSON on stdout. Synchronous, so nothing else can log
 * in between.
 */
function quietly<T>(fn: () => T): T {
  const log = console.log;
  console.log = () => {};
  try {
    return fn();
  } finally {
    console.log = log;
  }
}

/** A 16-bit colormap entry to 8 bits: v · 255 / 65535 truncated, as libtiff's RGBA interface (and ImageMagick) do. */
function to8(v: number): number {
  return ((v * 255) / 65535) | 0;
}

function asArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  // utif2 copies a view into a new array per call; hand it the exact buffer so pages share it.
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

/** Bytes per value of each TIFF field type (BYTE, ASCII, SHORT, LONG, RATIONAL, …, LONG8). */
const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/**
 * Walk the chain of image directories before utif2 does: it loops forever on a chain that
 * points back to itself or past the end of the file (a truncated TIFF).
 */
function checkIfdChain(buffer: ArrayBuffer, name: string): void {
  const b = new Uint8Array(buffer);
  const n = b.length;
  const le = b[0] === 0x49;
  const u16 = (o: number) => (le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1]);
  const u32 = (o: number) => (le ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0 : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0);
  if (n < 8) throw new ImageStackError('corrupt', 'truncated TIFF header', name);
  const seen = new Set<number>();
  let off = u32(4);
  if (off === 0) throw new ImageStackError('corrupt', 'TIFF without an image directory', name);
  while (off !== 0) {
    if (seen.has(off)) throw new ImageStackError('corrupt', 'the TIFF directory chain loops back on itself', name);
    if (off + 2 > n) throw new ImageStackError('corrupt', `truncated: a TIFF directory at byte ${off} lies beyond the end of the file (${n} bytes)`, name);
    const entries = u16(off);
    const next = off + 2 + entries * 12;
    if (next + 4 > n) throw new ImageStackError('corrupt', `truncated: the TIFF directory at byte ${off} runs past the end of the file`, name);
    // Every value stored outside its entry must lie inside the file: a lying count made
    // utif2 read millions of entries past the end (seconds per file).
    for (let e = off + 2; e < next; e += 12) {
      const size = TYPE_SIZES[u16(e + 2)] ?? 0;
      const bytes = size * u32(e + 4);
      if (bytes > 4 && u32(e + 8) + bytes > n) {
        throw new ImageStackError('corrupt', `truncated: TIFF tag ${u16(e)} has ${u32(e + 4)} values running past the end of the file`, name);
      }
    }
    seen.add(off);
    off = u32(next);
  }
}

function readIfds(buffer: ArrayBuffer, name: string): Ifd[] {
  checkIfdChain(buffer, name);
  let ifds: Ifd[];
  try {
    // No maker notes: camera-specific blocks we never need (and utif2 parses them loosely).
    ifds = (UTIF().decode as (b: ArrayBuffer, prm: { parseMN: boolean; debug: boolean }) => Ifd[])(buffer, { parseMN: false, debug: false });
  } catch (e) {
    throw new ImageStackError('corrupt', `TIFF directory could not be read (${String((e as Error)?.message ?? e)})`, name);
  }
  // A page is a full-resolution image: not a thumbnail (NewSubfileType bit 0) nor a mask (bit 2).
  const pages = ifds.filter(i => i['t256'] != null && i['t257'] != null && (tag(i, 254, 0) & 5) === 0);
  if (!pages.length) throw new ImageStackError('corrupt', 'TIFF without an image', name);
  return pages;
}

interface PageInfo {
  width: number;
  height: number;
  bits: number;
  spp: number;
  photometric: number;
  compression: number;
  channels: 1 | 2 | 3 | 4;
  bitDepth: 8 | 16;
}

function pageInfo(ifd: Ifd, bytesLength: number, name: string, maxPixels: number): PageInfo {
  const width = tag(ifd, 256, 0);
  const height = tag(ifd, 257, 0);
  checkImageSize(width, height, name, maxPixels);
  const bits = tag(ifd, 258, 1);
  const spp = tag(ifd, 277, 1);
  const compression = tag(ifd, 259, 1);
  const photometric = tag(ifd, 262, spp >= 3 ? 2 : 1);
  const sampleFormat = tag(ifd, 339, 1);
  const planar = tag(ifd, 284, 1);
  if (!COMPRESSIONS[compression]) {
    throw new ImageStackError('unsupported-format', `TIFF compression ${COMPRESSION_NAMES[compression] ?? compression} is not supported; re-save uncompressed, LZW, Deflate or PackBits`, name);
  }
  if (sampleFormat === 3) throw new ImageStackError('unsupported-format', 'floating-point TIFF is not supported; export as 8- or 16-bit integers', name);
  if (sampleFormat === 2) throw new ImageStackError('unsupported-format', 'signed-integer TIFF is not supported; export as unsigned 8- or 16-bit', name);
  if (planar === 2 && spp > 1) throw new ImageStackError('unsupported-format', 'TIFF with separate colour planes (PlanarConfiguration 2) is not supported', name);
  let channels: 1 | 2 | 3 | 4;
  let bitDepth: 8 | 16 = bits === 16 ? 16 : 8;
  if (photometric === 0 || photometric === 1) {
    if (!(spp === 1 || spp === 2) || ![1, 2, 4, 8, 16].includes(bits)) throw new ImageStackError('unsupported-format', `grey TIFF with ${spp} samples of ${bits} bits is not supported`, name);
    channels = spp as 1 | 2;
    if (bits < 8 && spp !== 1) throw new ImageStackError('unsupported-format', `grey TIFF with ${bits}-bit alpha is not supported`, name);
  } else if (photometric === 2) {
    if (!(spp === 3 || spp === 4) || !(bits === 8 || bits === 16)) throw new ImageStackError('unsupported-format', `RGB TIFF with ${spp} samples of ${bits} bits is not supported`, name);
    channels = spp as 3 | 4;
  } else if (photometric === 3) {
    if (spp !== 1 || !(bits === 4 || bits === 8) || !ifd['t320']) throw new ImageStackError('unsupported-format', `palette TIFF with ${bits}-bit indices is not supported`, name);
    channels = 3;
    bitDepth = 8;
  } else {
    throw new ImageStackError('unsupported-format', `TIFF photometric interpretation ${photometric} (not grey, RGB or palette) is not supported`, name);
  }
  // Every strip or tile must lie inside the file: a truncated TIFF is an error, not black rows.
  const offsets = (ifd['t273'] ?? ifd['t324']) as number[] | undefined;
  const counts = (ifd['t279'] ?? ifd['t325']) as number[] | undefined;
  if (!offsets || !offsets.length) throw new ImageStackError('corrupt', 'TIFF page without pixel data', name);
  for (let i = 0; i < offsets.length; i++) {
    const end = Number(offsets[i]) + Number(counts?.[i] ?? 0);
    if (end > bytesLength) throw new ImageStackError('corrupt', `truncated: TIFF pixel data runs to byte ${end}, the file has ${bytesLength}`, name);
  }
  return { width, height, bits, spp, photometric, compression, channels, bitDepth };
}

export function probeTiff(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS): ImageHeader {
  const pages = readIfds(asArrayBuffer(bytes), name);
  const first = pageInfo(pages[0], bytes.length, name, maxPixels);
  const kind = first.photometric === 3 ? 'palette' : first.channels <= 2 ? 'grey' : 'RGB';
  return {
    format: 'tiff',
    width: first.width,
    height: first.height,
    channels: first.channels,
    bitDepth: first.bitDepth,
    pages: pages.length,
    detail: `TIFF ${first.bits}-bit ${kind} ${COMPRESSIONS[first.compression]}${pages.length > 1 ? `, ${pages.length} pages` : ''}`,
  };
}

/** A parsed TIFF: directories read once, pages decoded on demand (a 2000-page stack parses its directories once, not 2000 times). */
export interface TiffFile {
  pages: number;
  decodePage(page: number): DecodedImage;
}

export function openTiff(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS): TiffFile {
  const buffer = asArrayBuffer(bytes);
  const ifds = readIfds(buffer, name);
  return {
    pages: ifds.length,
    decodePage(page) {
      if (page < 0 || page >= ifds.length) {
        throw new ImageStackError('corrupt', `TIFF page ${page + 1} does not exist (the file has ${ifds.length})`, name);
      }
      return decodePage(buffer, ifds[page], ifds, name, maxPixels);
    },
  };
}

/** Decode one page, or every page when `page` is undefined. */
export function decodeTiff(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS, page?: number): DecodedImage[] {
  const tiff = openTiff(bytes, name, maxPixels);
  if (page !== undefined) return [tiff.decodePage(page)];
  return Array.from({ length: tiff.pages }, (_, k) => tiff.decodePage(k));
}

function decodePage(buffer: ArrayBuffer, ifd: Ifd, ifds: Ifd[], name: string, maxPixels: number): DecodedImage {
  const info = pageInfo(ifd, buffer.byteLength, name, maxPixels);
  try {
    quietly(() => (UTIF().decodeImage as (b: ArrayBuffer, i: Ifd, all?: Ifd[]) => void)(buffer, ifd, ifds));
  } catch (e) {
    throw new ImageStackError('corrupt', `TIFF pixel data could not be decoded (${String((e as Error)?.message ?? e)})`, name);
  }
  const raw = ifd.data as Uint8Array;
  const { width, height, bits, spp, photometric, channels, bitDepth } = info;
  const n = width * height;
  if (!raw) throw new ImageStackError('corrupt', 'TIFF pixel data could not be decoded', name);
  // The decoder's output is kept by the IFD object; drop it so a multi-page file does not hold every page twice.
  (ifd as { data?: Uint8Array }).data = undefined;
  if (photometric === 3) {
    const idx = bits === 8 ? raw : unpackBits(raw, width, height, bits, false);
    if (idx.length < n) throw new ImageStackError('corrupt', 'truncated TIFF pixel data', name);
    const map = ifd['t320'] as number[];
    const size = 1 << bits;
    const palette: number[][] = [];
    for (let i = 0; i < size; i++) palette.push([to8(map[i]), to8(map[size + i]), to8(map[2 * size + i])]);
    const { channels: c, data } = expandPalette(idx.subarray(0, n), palette);
    return { width, height, channels: c, bitDepth: 8, data };
  }
  let data: Uint8Array | Uint16Array;
  if (bits < 8) {
    data = unpackBits(raw, width, height, bits, true);
  } else if (bits === 16) {
    if (raw.length < n * spp * 2) throw new ImageStackError('corrupt', 'truncated TIFF pixel data', name);
    // utif2 has already swapped big-endian samples to little-endian.
    data = raw.byteOffset % 2 === 0 ? new Uint16Array(raw.buffer, raw.byteOffset, n * spp) : new Uint16Array(raw.slice(0, n * spp * 2).buffer);
  } else {
    if (raw.length < n * spp) throw new ImageStackError('corrupt', 'truncated TIFF pixel data', name);
    data = raw.subarray(0, n * spp);
  }
  if (photometric === 0) {
    // WhiteIsZero: turn into the usual black-is-zero meaning (the grey channel only, not alpha).
    const max = bitDepth === 16 ? 65535 : 255;
    for (let i = 0; i < data.length; i += spp) data[i] = max - data[i];
  }
  return { width, height, channels, bitDepth, data };
}
