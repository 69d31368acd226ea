import { bmpPaletteGrey, readBmpHeader } from '../decode/bmp';
import { sniffFormat } from '../decode/sniff';
import type { CodedSlice } from '../mesh/extractSurface';
import type { SliceRequest } from './decodeSlice';

/**
 * An uncompressed 8-bit paletted, 24-bit or 32-bit BMP slice as a CodedSlice for the threshold
 * `range`: its pixel rows where they are in the file (crop applied), the palette's (or the grey
 * values') threshold in the table. Marching cubes then reads the codes straight from the file's bytes; no grey slice is
 * made. null when the file is anything else (or does not match the request): decode it instead,
 * which also reports what is wrong with it.
 */
export function codedBmpSlice(bytes: Uint8Array, req: SliceRequest, range: [number, number]): CodedSlice | null {
  if (req.downsample !== 1 || req.page !== 0 || req.bitDepth !== 8 || sniffFormat(bytes) !== 'bmp') return null;
  let h;
  try {
    h = readBmpHeader(bytes, req.file, req.maxPixels);
  } catch {
    return null;
  }
  if (h.width !== req.width || h.height !== req.height) return null;
  // Uncompressed 8-bit paletted, 24-bit BGR and 32-bit BGRX: the kinds decodeBmpGrey reads in one loop.
  const step = h.compression === 0 && h.bitCount === 8 && h.palette ? 1 : h.compression === 0 && h.bitCount === 24 ? 3 : h.compression === 0 && h.bitCount === 32 && !h.masks ? 4 : 0;
  if (!step) return null;
  const { x, y, width, height } = req.crop;
  if (x < 0 || y < 0 || x + width > h.width || y + height > h.height) return null;
  const rowStart = new Int32Array(height);
  for (let j = 0; j < height; j++) {
    const stored = h.topDown ? y + j : h.height - 1 - (y + j);
    rowStart[j] = h.dataOffset + stored * h.stride + step * x;
    if (rowStart[j] + step * width > bytes.length) return null; // truncated: the decoder says so
  }
  const inside = new Uint8Array(256);
  if (step === 1) {
    const { grey } = bmpPaletteGrey(h);
    for (let i = 0; i < 256; i++) inside[i] = grey[i] >= range[0] && grey[i] <= range[1] ? 1 : 0;
  } else {
    for (let v = 0; v < 256; v++) inside[v] = v >= range[0] && v <= range[1] ? 1 : 0;
  }
  return { bytes, rowStart, inside, step };
}
