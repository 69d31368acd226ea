// JPEG through jpeg-js (pure JS, baseline and progressive). No colour management: the decoded
// samples are returned as the decoder produces them (YCbCr → RGB per JFIF/Adobe markers).
import type * as JpegJs from 'jpeg-js';
import { ImageStackError } from '../errors';
import { checkImageSize, DEFAULT_MAX_PIXELS } from './limits';
import type { DecodedImage, ImageHeader } from './types';

// Loaded on first use, like the PNG and TIFF libraries.
let jpegJs: typeof JpegJs | undefined;
interface JpegJsOptions {
  useTArray: true;
  formatAsRGBA: boolean;
  tolerantDecoding: boolean;
  maxResolutionInMP: number;
  maxMemoryUsageInMB: number;
}
function decodeJpegJs(bytes: Uint8Array, opts: JpegJsOptions) {
  jpegJs ??= require('jpeg-js') as typeof JpegJs;
  return jpegJs.decode(bytes, opts);
}

interface Sof {
  marker: number;
  precision: number;
  width: number;
  height: number;
  components: number;
}

/** Walk the marker segments to the first start-of-frame. */
function readSof(b: Uint8Array, name: string): Sof {
  let p = 2;
  const n = b.length;
  while (p + 4 <= n) {
    if (b[p] !== 0xff) throw new ImageStackError('corrupt', `bad JPEG marker at byte ${p}`, name);
    const marker = b[p + 1];
    if (marker === 0xff) {
      p++;
      continue; // fill byte
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    const segLen = (b[p + 2] << 8) | b[p + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (p + 10 > n) break;
      return { marker, precision: b[p + 4], height: (b[p + 5] << 8) | b[p + 6], width: (b[p + 7] << 8) | b[p + 8], components: b[p + 9] };
    }
    if (marker === 0xd9 || marker === 0xda) break;
    p += 2 + segLen;
  }
  throw new ImageStackError('corrupt', 'truncated JPEG: no frame header', name);
}

export function probeJpeg(bytes: Uint8Array, name: string, maxPixels?: number): ImageHeader {
  const sof = readSof(bytes, name);
  checkImageSize(sof.width, sof.height, name, maxPixels);
  if (sof.marker === 0xc3 || sof.marker === 0xc7 || sof.marker === 0xcb || sof.marker === 0xcf) {
    throw new ImageStackError('unsupported-format', 'lossless JPEG is not supported; export as PNG or TIFF', name);
  }
  if (sof.marker >= 0xc9) throw new ImageStackError('unsupported-format', 'arithmetic-coded JPEG is not supported', name);
  if (sof.precision !== 8) throw new ImageStackError('unsupported-format', `${sof.precision}-bit JPEG is not supported; export as 16-bit PNG or TIFF`, name);
  if (sof.components !== 1 && sof.components !== 3) {
    throw new ImageStackError('unsupported-format', `JPEG with ${sof.components} components (CMYK?) is not supported`, name);
  }
  const kind = sof.marker === 0xc2 || sof.marker === 0xc6 ? 'progressive' : 'baseline';
  return { format: 'jpeg', width: sof.width, height: sof.height, channels: sof.components === 1 ? 1 : 3, bitDepth: 8, pages: 1, detail: `JPEG ${kind} ${sof.components === 1 ? 'grey' : 'colour'}` };
}

export function decodeJpeg(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS): DecodedImage {
  const head = probeJpeg(bytes, name, maxPixels);
  let img;
  try {
    img = decodeJpegJs(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: Math.ceil(maxPixels / 1e6) + 1,
      maxMemoryUsageInMB: Math.ceil((maxPixels * 12) / 2 ** 20) + 64,
    });
  } catch (e) {
    throw new ImageStackError('corrupt', `JPEG could not be decoded (${(e as Error).message})`, name);
  }
  const { width, height } = img;
  const rgb = img.data;
  if (width !== head.width || height !== head.height || rgb.length < width * height * 3) {
    throw new ImageStackError('corrupt', 'JPEG decoded to an unexpected size', name);
  }
  if (head.channels === 1) {
    // jpeg-js always returns three samples per pixel; a one-component JPEG has them equal.
    const n = width * height;
    const grey = new Uint8Array(n);
    for (let i = 0, s = 0; i < n; i++, s += 3) grey[i] = rgb[s];
    return { width, height, channels: 1, bitDepth: 8, data: grey };
  }
  return { width, height, channels: 3, bitDepth: 8, data: rgb.length === width * height * 3 ? rgb : rgb.subarray(0, width * height * 3) };
}
