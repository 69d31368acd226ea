// JPEG through libjpeg-turbo in WebAssembly (jpegTurbo.ts): baseline and progressive, 8-bit,
// grey or YCbCr/RGB colour, exactly as libjpeg-turbo (and so Pillow and the browsers) decode
// them. The EXIF orientation is applied (phone photos of films): width and height are the
// upright image's. Our own marker walk runs first, in the probe and the decoder alike: it
// finds the frame, the EXIF orientation, stray bytes between segments (tolerated, as libjpeg
// does, with a warning) and a missing end of image (a truncated file: refused).
import { ImageStackError } from '../errors';
import { prepareJpegDecoder, TJPF_GRAY, TJPF_RGB, turboDecode } from './jpegTurbo';
import { checkImageSize, DEFAULT_MAX_PIXELS } from './limits';
import type { DecodedImage, ImageHeader } from './types';

export { prepareJpegDecoder, setJpegWasmSource } from './jpegTurbo';

interface JpegStructure {
  marker: number;
  precision: number;
  /** As stored (before the EXIF orientation). */
  width: number;
  height: number;
  components: number;
  /** EXIF orientation 1–8 (1 when absent or unreadable). */
  orientation: number;
  warnings: string[];
}

/** The EXIF orientation (tag 0x0112 of IFD0) in an APP1 segment's data [start, end), or 1. */
function exifOrientation(b: Uint8Array, start: number, end: number): number {
  // "Exif\0\0" then a TIFF header.
  if (end - start < 14 || b[start] !== 0x45 || b[start + 1] !== 0x78 || b[start + 2] !== 0x69 || b[start + 3] !== 0x66 || b[start + 4] !== 0 || b[start + 5] !== 0) return 1;
  const t = start + 6;
  const le = b[t] === 0x49 && b[t + 1] === 0x49;
  if (!le && !(b[t] === 0x4d && b[t + 1] === 0x4d)) return 1;
  const u16 = (o: number) => (le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1]);
  const u32 = (o: number) => (le ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0 : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0);
  const ifd = t + u32(t + 4);
  if (ifd + 2 > end) return 1;
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > end) return 1;
    if (u16(e) === 0x0112) {
      const type = u16(e + 2);
      const v = type === 3 ? u16(e + 8) : type === 4 ? u32(e + 8) : 0;
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

/**
 * Walk the marker segments (and over the entropy-coded scans) to the end of the image. With
 * only the start of the file (`complete` false), stops quietly at the end of the bytes.
 */
function readStructure(b: Uint8Array, name: string, complete: boolean): JpegStructure {
  const n = b.length;
  let sof: Omit<JpegStructure, 'orientation' | 'warnings'> | null = null;
  let orientation = 1;
  const warnings: string[] = [];
  let stray = 0;
  let p = 2;
  let scans = 0;
  for (;;) {
    // Find the next marker as libjpeg does: skip (and count) anything that is not 0xFF xx.
    let skipped = 0;
    while (p + 1 < n && (b[p] !== 0xff || b[p + 1] === 0x00 || b[p + 1] === 0xff)) {
      if (b[p] === 0xff && b[p + 1] === 0xff) {
        p++; // fill bytes before a marker are allowed
        continue;
      }
      skipped += b[p] === 0xff ? 2 : 1;
      p += b[p] === 0xff ? 2 : 1;
    }
    if (p + 1 >= n) break;
    const marker = b[p + 1];
    if (skipped) {
      stray++;
      if (stray <= 3) warnings.push(`${skipped} stray byte${skipped > 1 ? 's' : ''} before the JPEG marker 0x${marker.toString(16)} at byte ${p} (skipped, as libjpeg does)`);
    }
    if (marker === 0xd9) {
      if (!sof || !scans) throw new ImageStackError('corrupt', 'JPEG ends before any image data', name);
      return { ...sof, orientation, warnings };
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    if (p + 4 > n) break;
    const len = (b[p + 2] << 8) | b[p + 3];
    if (len < 2) throw new ImageStackError('corrupt', `JPEG segment 0x${marker.toString(16)} at byte ${p} has an impossible length ${len}`, name);
    const end = p + 2 + len;
    if (end > n) break;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (len < 8) throw new ImageStackError('corrupt', 'JPEG frame header too short', name);
      if (!sof) sof = { marker, precision: b[p + 4], height: (b[p + 5] << 8) | b[p + 6], width: (b[p + 7] << 8) | b[p + 8], components: b[p + 9] };
      if (!complete) break; // the probe of a file's head needs no more
    } else if (marker === 0xe1 && orientation === 1) {
      orientation = exifOrientation(b, p + 4, end);
    } else if (marker === 0xda) {
      if (!sof) throw new ImageStackError('corrupt', 'JPEG scan before its frame header', name);
      scans++;
      // The entropy-coded data runs to the next marker other than a restart (RSTn) or a stuffed 0xFF00.
      let q = end;
      for (;;) {
        q = b.indexOf(0xff, q);
        if (q < 0 || q + 1 >= n) {
          q = n;
          break;
        }
        const c = b[q + 1];
        if (c === 0x00 || (c >= 0xd0 && c <= 0xd7) || c === 0xff) q += c === 0xff ? 1 : 2;
        else break;
      }
      p = q;
      continue;
    }
    p = end;
  }
  if (complete) {
    if (!sof) throw new ImageStackError('corrupt', 'truncated JPEG: no frame header', name);
    throw new ImageStackError('corrupt', `truncated: the JPEG data ends at byte ${n} before its end-of-image marker`, name);
  }
  if (!sof) throw new ImageStackError('corrupt', 'truncated JPEG: no frame header', name);
  return { ...sof, orientation, warnings };
}

function check(s: JpegStructure, name: string, maxPixels: number): void {
  checkImageSize(s.width, s.height, name, maxPixels);
  const m = s.marker;
  if (m === 0xc3 || m === 0xc7 || m === 0xcb || m === 0xcf) throw new ImageStackError('unsupported-format', 'lossless JPEG is not supported; export as PNG or TIFF', name);
  if (m >= 0xc9) throw new ImageStackError('unsupported-format', 'arithmetic-coded JPEG is not supported', name);
  if (m === 0xc5 || m === 0xc6) throw new ImageStackError('unsupported-format', 'hierarchical JPEG is not supported', name);
  if (s.precision !== 8) throw new ImageStackError('unsupported-format', `${s.precision}-bit JPEG is not supported; export as 16-bit PNG or TIFF`, name);
  if (s.components !== 1 && s.components !== 3) {
    throw new ImageStackError('unsupported-format', `JPEG with ${s.components} components (CMYK?) is not supported`, name);
  }
}

const SWAPS = (o: number) => o >= 5;

export function probeJpeg(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS, fileSize = bytes.length): ImageHeader {
  const s = readStructure(bytes, name, fileSize <= bytes.length);
  check(s, name, maxPixels);
  const kind = s.marker === 0xc2 ? 'progressive' : 'baseline';
  const swap = SWAPS(s.orientation);
  const h: ImageHeader = {
    format: 'jpeg',
    width: swap ? s.height : s.width,
    height: swap ? s.width : s.height,
    channels: s.components === 1 ? 1 : 3,
    bitDepth: 8,
    pages: 1,
    detail: `JPEG ${kind} ${s.components === 1 ? 'grey' : 'colour'}${s.orientation !== 1 ? `, EXIF orientation ${s.orientation}` : ''}`,
  };
  if (s.orientation !== 1) h.orientation = s.orientation;
  if (s.warnings.length) h.warnings = s.warnings;
  return h;
}

/** Compile the decoder (async: needed once before decodeJpeg in a browser). Harmless elsewhere. */
export async function prepareJpeg(): Promise<void> {
  await prepareJpegDecoder();
}

/** libjpeg warnings that mean the image data itself is damaged: refused, not decoded past. */
const FATAL_WARNINGS = /premature end of JPEG file|bad Huffman code|bad arithmetic code|premature end of data segment|found marker .* instead of RST|inconsistent progression/i;

export function decodeJpeg(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS): DecodedImage {
  const s = readStructure(bytes, name, true);
  check(s, name, maxPixels);
  const channels = s.components === 1 ? 1 : 3;
  const r = turboDecode(bytes, name, channels === 1 ? TJPF_GRAY : TJPF_RGB, s);
  if (r.warning && FATAL_WARNINGS.test(r.warning)) throw new ImageStackError('corrupt', `JPEG data damaged (${r.warning})`, name);
  return orient({ width: r.width, height: r.height, channels, bitDepth: 8, data: r.data }, s.orientation);
}

/**
 * Turn an image upright by its EXIF orientation: 2 mirror, 3 rotate 180°, 4 flip, 5
 * transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° anticlockwise.
 */
export function orient(img: DecodedImage & { data: Uint8Array }, orientation: number): DecodedImage {
  if (orientation < 2 || orientation > 8) return img;
  const { width: W, height: H, channels: c, data } = img;
  const swap = SWAPS(orientation);
  const ow = swap ? H : W;
  const oh = swap ? W : H;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = W - 1 - x; sy = y; break;
        case 3: sx = W - 1 - x; sy = H - 1 - y; break;
        case 4: sx = x; sy = H - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = H - 1 - x; break;
        case 7: sx = W - 1 - y; sy = H - 1 - x; break;
        default: sx = W - 1 - y; sy = x; break; // 8
      }
      const s = (sy * W + sx) * c;
      const d = (y * ow + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = data[s + k];
    }
  }
  return { width: ow, height: oh, channels: img.channels, bitDepth: 8, data: out };
}
