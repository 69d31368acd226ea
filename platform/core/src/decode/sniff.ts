import type { ImageFormat } from './types';

/**
 * The format of `bytes` by its magic number, or null when it is not an image we read.
 * BMP: "BM" and a known DIB header size (so a text file starting "BM" is not taken for one).
 */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  const n = bytes.length;
  if (n >= 18 && bytes[0] === 0x42 && bytes[1] === 0x4d) {
    const hs = bytes[14] | (bytes[15] << 8) | (bytes[16] << 16) | (bytes[17] << 24);
    if (hs === 12 || hs === 16 || hs === 40 || hs === 52 || hs === 56 || hs === 64 || hs === 108 || hs === 124) return 'bmp';
  }
  if (n >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47 && bytes[4] === 0x0d && bytes[5] === 0x0a && bytes[6] === 0x1a && bytes[7] === 0x0a) return 'png';
  if (n >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (n >= 4 && ((bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 42 && bytes[3] === 0) || (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 42))) return 'tiff';
  return null;
}

/** A short guess at what a non-image file is, for the "skipped" list. */
export function describeNonImage(bytes: Uint8Array, name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  if (base === '.DS_Store') return 'macOS folder metadata';
  if (base.startsWith('._')) return 'macOS resource fork';
  if (bytes.length === 0) return 'empty file';
  if (/^thumbs\.db$/i.test(base) || (bytes.length >= 8 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0)) return 'Windows thumbnail cache / OLE file';
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) return base.toUpperCase() === 'DICOMDIR' ? 'DICOMDIR' : 'DICOM file';
  if (bytes.length >= 4 && bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2b && bytes[3] === 0) return 'BigTIFF (not supported)';
  if (bytes.length >= 12 && bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46 && bytes[8] === 0x57 && bytes[9] === 0x45) return 'WebP (not supported)';
  if (bytes.length >= 6 && bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x38) return 'GIF (not supported)';
  let text = true;
  for (let i = 0, m = Math.min(bytes.length, 512); i < m; i++) {
    const c = bytes[i];
    if (c < 9 || (c > 13 && c < 32 && c !== 27)) {
      text = false;
      break;
    }
  }
  return text ? 'text file' : 'not an image';
}

/** File names that announce an image: a file with one of these that is not readable is an error, not a skip. */
export const IMAGE_EXTENSIONS = /\.(bmp|dib|png|jpe?g|jfif|tiff?)$/i;
