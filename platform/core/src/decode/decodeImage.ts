import { ImageStackError } from '../errors';
import { decodeBmp, probeBmp } from './bmp';
import { decodeJpeg, probeJpeg } from './jpeg';
import { DEFAULT_MAX_PIXELS } from './limits';
import { decodePng, probePng } from './png';
import { describeNonImage, sniffFormat } from './sniff';
import { decodeTiff, probeTiff } from './tiff';
import type { DecodeOptions, DecodeResult, DecodedImage, ImageHeader } from './types';

function notAnImage(bytes: Uint8Array, name: string): never {
  if (bytes.length === 0) throw new ImageStackError('empty', 'the file is empty (0 bytes)', name);
  throw new ImageStackError('unsupported-format', `not a BMP, PNG, JPEG or TIFF image (${describeNonImage(bytes, name)})`, name);
}

/**
 * Decode one image file of any supported format, recognised by its content. `name` is only
 * used in error messages. Errors are ImageStackErrors naming the file: 'empty',
 * 'unsupported-format', 'corrupt' (truncated, lying header), 'too-large' (over `maxPixels`,
 * refused before allocating).
 */
export function decodeImage(bytes: Uint8Array, name: string, opts: DecodeOptions = {}): DecodeResult {
  const format = sniffFormat(bytes);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  let pages: DecodedImage[];
  switch (format) {
    case 'bmp':
      pages = [decodeBmp(bytes, name, maxPixels)];
      break;
    case 'png':
      pages = [decodePng(bytes, name, maxPixels)];
      break;
    case 'jpeg':
      pages = [decodeJpeg(bytes, name, maxPixels)];
      break;
    case 'tiff':
      pages = decodeTiff(bytes, name, maxPixels, opts.page);
      break;
    default:
      return notAnImage(bytes, name);
  }
  if (format !== 'tiff' && opts.page !== undefined && opts.page !== 0) {
    throw new ImageStackError('corrupt', `page ${opts.page + 1} does not exist (the file has one image)`, name);
  }
  return { format, ...pages[0], pages };
}

export interface ProbeOptions extends Pick<DecodeOptions, 'maxPixels'> {
  /**
   * Size of the whole file when `bytes` is only its beginning (enough for BMP, PNG and JPEG
   * headers; TIFF directories may lie anywhere, so pass the whole file for TIFF).
   */
  fileSize?: number;
}

/** Read only the header: format, size, channels, bit depth, page count. Cheap; allocates no pixels. */
export function probeImage(bytes: Uint8Array, name: string, opts: ProbeOptions = {}): ImageHeader {
  const format = sniffFormat(bytes);
  switch (format) {
    case 'bmp':
      return probeBmp(bytes, name, opts.maxPixels, opts.fileSize);
    case 'png':
      return probePng(bytes, name, opts.maxPixels, opts.fileSize);
    case 'jpeg':
      return probeJpeg(bytes, name, opts.maxPixels, opts.fileSize);
    case 'tiff':
      return probeTiff(bytes, name, opts.maxPixels);
    default:
      return notAnImage(bytes, name);
  }
}
