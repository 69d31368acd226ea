/** The image formats we read, named by content (magic bytes), never by extension. */
export type ImageFormat = 'bmp' | 'png' | 'jpeg' | 'tiff';

/**
 * Decoded pixels exactly as stored: interleaved samples, rows top to bottom, columns left to
 * right. No colour management, no premultiplied alpha, no gamma. 8-bit samples stay 8-bit in a
 * Uint8Array, 16-bit samples stay 16-bit in a Uint16Array. Palette images arrive expanded
 * (1 channel when every palette entry is grey, else RGB). Sub-byte grey (1/2/4 bits) is scaled
 * to 0..255 by bit replication (1-bit: 0/255).
 */
export interface DecodedImage {
  width: number;
  height: number;
  /** 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** Bits per sample: 8 or 16 for unsigned integers; 8–64 for the real-valued grey of `sampleFormat`. */
  bitDepth: 8 | 16 | 32 | 64;
  /**
   * Set for real-valued grey (micro-CT reconstructions in TIFF): signed integers or IEEE
   * floats, or 32-bit unsigned integers. Absent: unsigned 8- or 16-bit samples, the usual case.
   */
  sampleFormat?: SampleFormat;
  data: SampleArray;
}

/** 'uint': unsigned integers (only 32-bit ones are real-valued here), 'int': signed, 'float': IEEE. */
export type SampleFormat = 'uint' | 'int' | 'float';

export type SampleArray = Uint8Array | Uint16Array | Int8Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** An image of unsigned 8- or 16-bit samples: every image except real-valued TIFF grey. */
export interface IntegerImage extends DecodedImage {
  bitDepth: 8 | 16;
  sampleFormat?: undefined;
  data: Uint8Array | Uint16Array;
}

/** Whether `img` holds real values (signed, float or 32-bit) that must be mapped to voxels by a rescale. */
export function isRealValued(img: { bitDepth: number; sampleFormat?: SampleFormat }): boolean {
  return img.sampleFormat !== undefined || img.bitDepth > 16;
}

/** What `decodeImage` returns: the first (or requested) page at top level, and every page decoded. */
export interface DecodeResult extends DecodedImage {
  format: ImageFormat;
  /** Every decoded page (one for BMP/PNG/JPEG; one per TIFF directory). pages[0] is the top level. */
  pages: DecodedImage[];
}

/** What the header says, read without decoding pixels (cheap: used to plan a stack). */
export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** Channels of the decoded pixels (see DecodedImage.channels); a palette counts as 3. */
  channels: 1 | 2 | 3 | 4;
  /** See DecodedImage.bitDepth and sampleFormat. */
  bitDepth: 8 | 16 | 32 | 64;
  sampleFormat?: SampleFormat;
  /** EXIF orientation (JPEG, 2–8) applied by the decoder: width and height are after it. */
  orientation?: number;
  /** Number of images in the file (TIFF directories); 1 for the others. */
  pages: number;
  /** A short description for humans ("BMP 24-bit", "TIFF 16-bit grey LZW"). */
  detail: string;
  /** Harmless oddities tolerated (as Pillow and libjpeg do), for the stack check to show. */
  warnings?: string[];
}

export interface DecodeOptions {
  /**
   * Largest width × height accepted for one image, checked from the header before any pixel
   * buffer is allocated. Default DEFAULT_MAX_PIXELS.
   */
  maxPixels?: number;
  /** Decode only this page (0-based TIFF directory). Default: every page. */
  page?: number;
}
