// TIFF through utif2 (pure JS): none, LZW, Deflate, PackBits; predictor 2; 8/16-bit grey and
// RGB (alpha kept), 1-bit bilevel, 4/8-bit palette. Every directory that is a full image is a
// page (a multi-page TIFF is a whole stack); reduced-resolution thumbnails are not pages.
import type * as UTIFTypes from 'utif2';
import { ImageStackError } from '../errors';
import { checkImageSize, DEFAULT_MAX_PIXELS } from './limits';
import { decodeTiffLzw } from './lzw';
import { expandPalette, unpackBits } from './unpack';
import type { DecodedImage, ImageHeader, SampleFormat } from './types';

type Ifd = UTIFTypes.IFD;

// Loaded on first use (with pako, ~15 ms): decode workers reading BMPs start without it.
let utif: typeof UTIFTypes | undefined;
function UTIF(): typeof UTIFTypes {
  if (!utif) {
    utif = require('utif2') as typeof UTIFTypes;
    // Our LZW decoder instead of utif2's, which loops forever on a damaged stream.
    (utif.decode as unknown as { _decodeLZW: typeof decodeTiffLzw })._decodeLZW = decodeTiffLzw;
  }
  return utif;
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

/** Tags whose values point to directories utif2 reads too: SubIFDs, EXIF, GPS, DNG private data, Fuji. */
const SUB_IFD_TAGS = new Set([330, 34665, 34853, 50740, 61440]);

/**
 * Walk every image directory before utif2 does: the main chain, which utif2 loops on forever
 * when it points back to itself or past the end of the file (a truncated TIFF), and the
 * directories its entries point to (SubIFDs, EXIF, GPS), which utif2 reads as well, with no
 * loop guard and no bound on their counts (an EXIF pointer into pixel data made it read
 * millions of entries: 1.5 s). Every value stored outside its entry must lie inside the file,
 * so the work of reading a directory is bounded by the file's size.
 */
function checkIfdChain(buffer: ArrayBuffer, name: string): void {
  const b = new Uint8Array(buffer);
  const n = b.length;
  const le = b[0] === 0x49;
  const u16 = (o: number) => (le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1]);
  const u32 = (o: number) => (le ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0 : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0);
  if (n < 8) throw new ImageStackError('corrupt', 'truncated TIFF header', name);
  /** Directories already checked (a directory shared by pages, such as one EXIF block, is checked once). */
  const checked = new Set<number>();
  /** One directory's entries; returns the offsets of the directories they point to. */
  const checkDirectory = (off: number, what: string): number[] => {
    if (off + 2 > n) throw new ImageStackError('corrupt', `truncated: a TIFF ${what} at byte ${off} lies beyond the end of the file (${n} bytes)`, name);
    const entries = u16(off);
    const next = off + 2 + entries * 12;
    if (next + 4 > n) throw new ImageStackError('corrupt', `truncated: the TIFF ${what} at byte ${off} runs past the end of the file`, name);
    const pointed: number[] = [];
    // Every value stored outside its entry must lie inside the file: a lying count made
    // utif2 read millions of entries past the end (seconds per file).
    for (let e = off + 2; e < next; e += 12) {
      const type = u16(e + 2);
      const size = TYPE_SIZES[type] ?? 0;
      const count = u32(e + 4);
      const bytes = size * count;
      if (bytes > 4 && u32(e + 8) + bytes > n) {
        throw new ImageStackError('corrupt', `truncated: TIFF tag ${u16(e)} has ${count} values running past the end of the file`, name);
      }
      const t = u16(e);
      if (!SUB_IFD_TAGS.has(t) || count === 0) continue;
      // utif2 follows LONG/IFD values (SubIFDs may be several), and a DNG private pointer in the first bytes of its data.
      const at = bytes > 4 ? u32(e + 8) : e + 8;
      if (type === 4 || type === 13) for (let k = 0; k < count; k++) pointed.push(u32(at + 4 * k));
      else if (t === 50740 && (type === 1 || type === 7) && count >= 4) {
        // as utif2 does: only a pointer to something that looks like a directory
        const p = u32(at);
        if (p + 2 <= n && u16(p) < 300) pointed.push(p);
      }
      else if (type === 3) for (let k = 0; k < count; k++) pointed.push(u16(at + 2 * k));
    }
    checked.add(off);
    return pointed;
  };
  /** Sub-directories, depth first; `path`: the directories above (one of them again is a loop utif2 recurses into forever). */
  const checkSubDirectories = (offsets: number[], path: number[]): void => {
    for (const o of offsets) {
      if (path.includes(o)) throw new ImageStackError('corrupt', 'the TIFF sub-directory chain loops back on itself', name);
      if (path.length > 8) throw new ImageStackError('corrupt', 'TIFF sub-directories nested more than 8 deep', name);
      if (checked.has(o)) continue;
      checkSubDirectories(checkDirectory(o, 'sub-directory'), [...path, o]);
    }
  };
  const chain = new Set<number>();
  let off = u32(4);
  if (off === 0) throw new ImageStackError('corrupt', 'TIFF without an image directory', name);
  while (off !== 0) {
    if (chain.has(off)) throw new ImageStackError('corrupt', 'the TIFF directory chain loops back on itself', name);
    chain.add(off);
    checkSubDirectories(checkDirectory(off, 'directory'), [off]);
    off = u32(off + 2 + u16(off) * 12);
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
  bitDepth: 8 | 16 | 32 | 64;
  /** Real-valued grey (signed, float, 32-bit unsigned): see DecodedImage.sampleFormat. */
  sampleFormat?: SampleFormat;
  /** ExtraSamples 1: colour stored premultiplied by alpha. */
  associatedAlpha: boolean;
  /** FillOrder 2: the bits of every stored byte are reversed. */
  reversedBits: boolean;
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
  if (planar === 2 && spp > 1) throw new ImageStackError('unsupported-format', 'TIFF with separate colour planes (PlanarConfiguration 2) is not supported', name);
  const predictor = tag(ifd, 317, 1);
  const fillOrder = tag(ifd, 266, 1);
  if (fillOrder !== 1 && fillOrder !== 2) throw new ImageStackError('corrupt', `TIFF with an invalid FillOrder ${fillOrder}`, name);
  const associatedAlpha = spp > 1 && Number((ifd['t338'] as number[] | undefined)?.[0] ?? 0) === 1;
  const common = { width, height, bits, spp, photometric, compression, associatedAlpha, reversedBits: fillOrder === 2 };
  // Real-valued grey: micro-CT reconstructions (32-bit float above all, signed 16-bit, 32-bit integers).
  const real: SampleFormat | null = sampleFormat === 3 ? 'float' : sampleFormat === 2 ? 'int' : sampleFormat === 1 && bits === 32 ? 'uint' : null;
  if (sampleFormat !== 1 && sampleFormat !== 2 && sampleFormat !== 3) throw new ImageStackError('unsupported-format', `TIFF sample format ${sampleFormat} is not supported`, name);
  if (real) {
    // (Signed 8-bit is refused: nothing we know of writes slices so, and Pillow cannot read it either.)
    const ok = real === 'float' ? bits === 32 || bits === 64 : bits === 16 || bits === 32;
    if (!ok || spp !== 1 || (photometric !== 0 && photometric !== 1) || (photometric === 0 && real === 'uint')) {
      throw new ImageStackError('unsupported-format', `TIFF with ${spp} ${real === 'float' ? 'floating-point' : real === 'int' ? 'signed-integer' : 'unsigned'} sample${spp > 1 ? 's' : ''} of ${bits} bits (photometric ${photometric}) is not supported; only one grey channel of real values is`, name);
    }
    if (predictor !== 1) throw new ImageStackError('unsupported-format', `real-valued TIFF with a predictor (${predictor === 3 ? 'floating-point' : 'horizontal'}) is not supported; save it without a predictor`, name);
    checkStrips(ifd, bytesLength, name, width, height);
    return { ...common, channels: 1, bitDepth: bits as 8 | 16 | 32 | 64, sampleFormat: real };
  }
  if (predictor !== 1 && predictor !== 2) throw new ImageStackError('unsupported-format', `TIFF predictor ${predictor} is not supported`, name);
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
  checkStrips(ifd, bytesLength, name, width, height);
  return { ...common, channels, bitDepth };
}

/** A tile may hold at most this many pixels, or four times the image's, whichever is more. */
const TILE_PIXELS_FLOOR = 1 << 20;

/**
 * Every strip or tile must lie inside the file: a truncated TIFF is an error, not black rows.
 * Tiles must have a size, and one the image can use: utif2 allocates a whole tile before it
 * decodes one (a TileLength of 65535 on a 100 × 40 image made 100 MiB), so a tile beyond four
 * times the image (and beyond 1024 × 1024) is refused, and so are fewer tiles than the image needs.
 */
function checkStrips(ifd: Ifd, bytesLength: number, name: string, width: number, height: number): void {
  const tiled = ifd['t322'] != null;
  const offsets = (tiled ? ifd['t324'] : (ifd['t273'] ?? ifd['t324'])) as number[] | undefined;
  const counts = (tiled ? ifd['t325'] : (ifd['t279'] ?? ifd['t325'])) as number[] | undefined;
  if (!offsets || !offsets.length) throw new ImageStackError('corrupt', 'TIFF page without pixel data', name);
  if (tiled) {
    const tw = tag(ifd, 322, 0);
    const th = tag(ifd, 323, 0);
    if (!(tw > 0 && th > 0)) throw new ImageStackError('corrupt', `TIFF tiles of an impossible size ${tw} × ${th}`, name);
    if (tw * th > Math.max(4 * width * height, TILE_PIXELS_FLOOR)) {
      throw new ImageStackError('corrupt', `TIFF tiles of ${tw} × ${th} pixels for a ${width} × ${height} image (more than four times the image: a damaged or lying header?)`, name);
    }
    const tiles = Math.ceil(width / tw) * Math.ceil(height / th);
    if (offsets.length < tiles || !counts || counts.length < tiles) {
      throw new ImageStackError('corrupt', `TIFF with ${Math.min(offsets.length, counts?.length ?? 0)} tile offsets and counts for an image of ${tiles} tiles`, name);
    }
  }
  for (let i = 0; i < offsets.length; i++) {
    const end = Number(offsets[i]) + Number(counts?.[i] ?? 0);
    if (end > bytesLength) throw new ImageStackError('corrupt', `truncated: TIFF pixel data runs to byte ${end}, the file has ${bytesLength}`, name);
  }
}

const REVERSED = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let r = 0;
    for (let k = 0; k < 8; k++) r |= ((i >>> k) & 1) << (7 - k);
    t[i] = r;
  }
  return t;
})();

/** A copy of the file with the bits of every byte of this page's strips or tiles reversed (FillOrder 2, as libtiff reads it). */
function reverseStripBits(buffer: ArrayBuffer, ifd: Ifd): ArrayBuffer {
  const copy = buffer.slice(0);
  const b = new Uint8Array(copy);
  const offsets = (ifd['t273'] ?? ifd['t324']) as number[];
  const counts = (ifd['t279'] ?? ifd['t325']) as number[];
  for (let i = 0; i < offsets.length; i++) {
    const start = Number(offsets[i]);
    const end = Math.min(b.length, start + Number(counts?.[i] ?? 0));
    for (let j = start; j < end; j++) b[j] = REVERSED[b[j]];
  }
  return copy;
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
    ...(first.sampleFormat ? { sampleFormat: first.sampleFormat } : {}),
    pages: pages.length,
    detail: `TIFF ${first.bits}-bit ${first.sampleFormat === 'float' ? 'float ' : first.sampleFormat === 'int' ? 'signed ' : ''}${kind} ${COMPRESSIONS[first.compression]}${pages.length > 1 ? `, ${pages.length} pages` : ''}`,
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
    const source = info.reversedBits ? reverseStripBits(buffer, ifd) : buffer;
    quietly(() => (UTIF().decodeImage as (b: ArrayBuffer, i: Ifd, all?: Ifd[]) => void)(source, ifd, ifds));
  } catch (e) {
    throw new ImageStackError('corrupt', `TIFF pixel data could not be decoded (${String((e as Error)?.message ?? e)})`, name);
  }
  const raw = ifd.data as Uint8Array;
  const { width, height, bits, spp, photometric, channels, bitDepth, sampleFormat } = info;
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
  if (sampleFormat) return realValued(raw, info, ifd, name);
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
  if (info.associatedAlpha && (spp === 2 || spp === 4)) unpremultiply(data, spp, bitDepth === 16 ? 65535 : 255);
  return { width, height, channels, bitDepth: bitDepth as 8 | 16, data };
}

/**
 * Colour stored premultiplied by alpha (ExtraSamples 1) back to plain colour, as Pillow
 * (8-bit: c · 255 / a truncated) and ImageMagick (16-bit: c · 65535 / a rounded) read it,
 * clipped; 0 where a is 0.
 */
function unpremultiply(data: Uint8Array | Uint16Array, spp: number, max: number): void {
  const a0 = spp - 1;
  const round = max > 255 ? Math.round : Math.floor;
  for (let i = 0; i < data.length; i += spp) {
    const a = data[i + a0];
    if (a === max) continue;
    for (let c = 0; c < a0; c++) data[i + c] = a === 0 ? 0 : Math.min(max, round((data[i + c] * max) / a));
  }
}

/** Real-valued grey samples in a typed array of their own kind, native byte order. */
function realValued(raw: Uint8Array, info: PageInfo, ifd: Ifd, name: string): DecodedImage {
  const { width, height, bits, sampleFormat, photometric } = info;
  const n = width * height;
  const bytesPer = bits / 8;
  if (raw.length < n * bytesPer) throw new ImageStackError('corrupt', 'truncated TIFF pixel data', name);
  const le = (ifd as { isLE?: boolean }).isLE !== false;
  // utif2 has swapped 16-bit samples to little-endian already; wider ones are as stored.
  const dv = new DataView(raw.buffer, raw.byteOffset, n * bytesPer);
  const littleEndian = bits === 16 ? true : le;
  let data: DecodedImage['data'];
  if (littleEndian) {
    // Stored little-endian, as this machine is (every platform we run on): one copy, then a view.
    const copy = raw.slice(0, n * bytesPer).buffer;
    data = sampleFormat === 'float' ? (bits === 32 ? new Float32Array(copy) : new Float64Array(copy)) : sampleFormat === 'int' ? (bits === 16 ? new Int16Array(copy) : new Int32Array(copy)) : new Uint32Array(copy);
  } else if (sampleFormat === 'float') {
    if (bits === 32) {
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) f[i] = dv.getFloat32(i * 4, littleEndian);
      data = f;
    } else {
      const f = new Float64Array(n);
      for (let i = 0; i < n; i++) f[i] = dv.getFloat64(i * 8, littleEndian);
      data = f;
    }
  } else if (sampleFormat === 'int') {
    if (bits === 8) data = new Int8Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + n));
    else if (bits === 16) {
      const a = new Int16Array(n);
      for (let i = 0; i < n; i++) a[i] = dv.getInt16(i * 2, littleEndian);
      data = a;
    } else {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = dv.getInt32(i * 4, littleEndian);
      data = a;
    }
  } else {
    const a = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = dv.getUint32(i * 4, littleEndian);
    data = a;
  }
  if (photometric === 0) {
    // WhiteIsZero: negate, so larger still means brighter (as for the integer images).
    for (let i = 0; i < n; i++) data[i] = -data[i];
  }
  return { width, height, channels: 1, bitDepth: bits as 8 | 16 | 32 | 64, sampleFormat, data };
}
