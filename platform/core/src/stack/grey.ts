import { isRealValued, type DecodedImage } from '../decode/types';
import { ImageStackError } from '../errors';
import type { CropRect } from '../geometry/types';

/** A grey slice and how many of its pixels were coloured (R, G, B not all equal). */
export interface GreySlice {
  width: number;
  height: number;
  bitDepth: 8 | 16;
  data: Uint8Array | Uint16Array;
  colouredPixels: number;
}

/**
 * One grey channel from any decoded image, for the `region` (default: the whole image).
 * Whole grey images are returned as they are (no copy); alpha is dropped (never
 * premultiplied). RGB: exact where R = G = B; elsewhere Rec. 601 luma in 16-bit fixed point,
 * (19595 R + 38470 G + 7471 B + 32768) >>> 16 (the weights sum to 65536, so equal channels
 * give back exactly their value; the same formula as decode/bmp.ts's fused loop; exact in
 * unsigned 32-bit arithmetic for 16-bit samples too). Coloured pixels are counted inside the
 * region only.
 */
export function toGrey(img: DecodedImage, region?: CropRect): GreySlice {
  if (isRealValued(img)) {
    throw new ImageStackError('unsupported-format', `holds real values (${img.bitDepth}-bit ${img.sampleFormat ?? 'unsigned'}), which need a value range to become grey levels (stack/valueRange.ts)`);
  }
  const { width, height, channels, data } = img as DecodedImage & { data: Uint8Array | Uint16Array };
  const bitDepth = img.bitDepth as 8 | 16;
  const r = region ?? { x: 0, y: 0, width, height };
  const whole = r.x === 0 && r.y === 0 && r.width === width && r.height === height;
  if (channels === 1 && whole) return { width, height, bitDepth, data, colouredPixels: 0 };
  const ow = r.width;
  const oh = r.height;
  const grey = bitDepth === 16 ? new Uint16Array(ow * oh) : new Uint8Array(ow * oh);
  let coloured = 0;
  for (let y = 0; y < oh; y++) {
    let s = ((r.y + y) * width + r.x) * channels;
    let d = y * ow;
    const end = d + ow;
    if (channels <= 2) {
      for (; d < end; d++, s += channels) grey[d] = data[s];
      continue;
    }
    for (; d < end; d++, s += channels) {
      const red = data[s];
      const g = data[s + 1];
      const b = data[s + 2];
      if (red === g && g === b) grey[d] = red;
      else {
        grey[d] = (19595 * red + 38470 * g + 7471 * b + 32768) >>> 16;
        coloured++;
      }
    }
  }
  return { width: ow, height: oh, bitDepth, data: grey, colouredPixels: coloured };
}
