// PNG through fast-png (pure JS, works in workers). Values as stored: gamma, iCCP and tRNS are
// ignored, 16-bit stays 16-bit, palettes and sub-byte grey are expanded by us.
import type * as FastPng from 'fast-png';
import { ImageStackError } from '../errors';
import { checkImageSize } from './limits';
import { expandPalette, unpackBits } from './unpack';
import type { DecodedImage, ImageHeader } from './types';

// Loaded on first use: a decode worker reading BMPs starts without paying for it (~30 ms).
let fastPng: typeof FastPng | undefined;
function decodeFastPng(bytes: Uint8Array): FastPng.DecodedPng {
  fastPng ??= require('fast-png') as typeof FastPng;
  return fastPng.decode(bytes);
}

const COLOUR_TYPE_CHANNELS: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

export function probePng(bytes: Uint8Array, name: string, maxPixels?: number): ImageHeader {
  if (bytes.length < 33 || bytes[12] !== 0x49 || bytes[13] !== 0x48 || bytes[14] !== 0x44 || bytes[15] !== 0x52) {
    throw new ImageStackError('corrupt', 'truncated PNG: no IHDR chunk', name);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = dv.getUint32(16);
  const height = dv.getUint32(20);
  const depth = bytes[24];
  const colourType = bytes[25];
  checkImageSize(width, height, name, maxPixels);
  const channels = COLOUR_TYPE_CHANNELS[colourType];
  if (!channels || ![1, 2, 4, 8, 16].includes(depth)) {
    throw new ImageStackError('corrupt', `PNG header with colour type ${colourType} and bit depth ${depth}`, name);
  }
  const kind = ['grey', '', 'RGB', 'palette', 'grey+alpha', '', 'RGBA'][colourType];
  return { format: 'png', width, height, channels, bitDepth: depth === 16 ? 16 : 8, pages: 1, detail: `PNG ${depth}-bit ${kind}${bytes[28] ? ' interlaced' : ''}` };
}

export function decodePng(bytes: Uint8Array, name: string, maxPixels?: number): DecodedImage {
  const head = probePng(bytes, name, maxPixels);
  let png;
  try {
    png = decodeFastPng(bytes);
  } catch (e) {
    throw new ImageStackError('corrupt', `PNG could not be decoded (${(e as Error).message})`, name);
  }
  const { width, height } = png;
  if (width !== head.width || height !== head.height) throw new ImageStackError('corrupt', 'PNG size changed while decoding', name);
  const expected = width * height * png.channels;
  if (png.palette) {
    const idx = png.depth < 8 ? unpackBits(png.data as Uint8Array, width, height, png.depth, false) : (png.data as Uint8Array);
    if (idx.length < width * height) throw new ImageStackError('corrupt', 'truncated PNG data', name);
    const { channels, data } = expandPalette(idx.subarray(0, width * height), png.palette);
    return { width, height, channels, bitDepth: 8, data };
  }
  if (png.depth < 8) {
    return { width, height, channels: 1, bitDepth: 8, data: unpackBits(png.data as Uint8Array, width, height, png.depth, true) };
  }
  if (png.data.length < expected) throw new ImageStackError('corrupt', 'truncated PNG data', name);
  const data = png.depth === 16 ? (png.data as Uint16Array) : png.data instanceof Uint8Array ? png.data : new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length);
  return { width, height, channels: png.channels as 1 | 2 | 3 | 4, bitDepth: png.depth === 16 ? 16 : 8, data: data.subarray(0, expected) };
}
