// The one decode step every worker runs — a Node worker_threads worker, a browser Web Worker,
// or the calling thread when there are no workers: a request in, one finished grey slice out
// (cropped, downsampled, hashed), its buffer ready to be transferred.
import { decodeBmpGrey, readBmpHeader } from '../decode/bmp';
import { decodeImage } from '../decode/decodeImage';
import { sniffFormat } from '../decode/sniff';
import { prepareJpegDecoder } from '../decode/jpegTurbo';
import { openTiff, type TiffFile } from '../decode/tiff';
import { isRealValued, type DecodedImage, type IntegerImage, type SampleFormat } from '../decode/types';
import { errorFromWire, errorToWire, ImageStackError, type WireError } from '../errors';
import { orientSlice } from '../geometry/orientSlice';
import { isIdentityOrientation, type SliceOrientation } from '../geometry/sliceOrientation';
import type { CropRect, DownsampleFactor } from '../geometry/types';
import { histogramTallies, voxelHistogram } from '../dicom/window';
import { downsampleInto } from './downsample';
import { toGrey, type GreySlice } from './grey';
import { hashPixels } from './hash';
import { mapToVoxels, type VoxelRescale } from './valueRange';
import { canReadIntoBuffer, createReadBuffers, readBlobIntoBuffer, type ReadBuffers } from './readBlob';

/** Something with the bytes of a file: a File or Blob in the browser. */
export interface BlobLike {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Where a slice's file is: bytes, a Blob/File, or a path (readable only where a reader is given). */
export type DecodeSource = Uint8Array | ArrayBuffer | BlobLike | string;

export interface SliceRequest {
  /** Position of the slice in the volume. */
  index: number;
  /** For error messages ("IMG (2).bmp"). */
  file: string;
  source: DecodeSource;
  /** 0-based page (TIFF directory). */
  page: number;
  /** What the plan expects; anything else is a 'mismatch' naming the file. */
  width: number;
  height: number;
  bitDepth: 8 | 16;
  crop: CropRect;
  downsample: DownsampleFactor;
  /** Flip/rotate the cropped, downsampled slice (the result is then columns × rows of the oriented slice). */
  orient?: SliceOrientation;
  maxPixels?: number;
  /** Real-valued slices (float / signed TIFF): what the plan expects of them (bitDepth is then the voxels' 16). */
  values?: { sampleFormat: SampleFormat; bitDepth: 8 | 16 | 32 | 64 };
  /** Real-valued slices: voxel = round((value − intercept) / slope), clamped to 0..65535. */
  rescale?: VoxelRescale;
  /**
   * A spent result buffer handed back for reuse (transferred with the request): the result is
   * written into it when it is large enough. Fresh multi-megabyte buffers per slice cost page
   * faults that serialise the threads of one process.
   */
  into?: ArrayBuffer;
  /**
   * Write the voxels straight into shared memory (the volume itself, on a SharedArrayBuffer):
   * no copy on the receiving side. The result's `voxels` is then a view of it and `inPlace`
   * is true.
   */
  target?: { buffer: SharedArrayBuffer; byteOffset: number };
  /** false: skip hashPixels (the result's hash is ''): for callers that do not look for duplicates. */
  hash?: boolean;
  /**
   * true: count the slice's values (voxelHistogram) while the slice is still in this worker's
   * cache, for the series' window: a separate pass over the whole volume afterwards cost the
   * calling thread 0.4 s on 500 MB of voxels.
   */
  histogram?: boolean;
  /** Set by the pool to match replies to requests; echoed in the reply. */
  ticket?: number;
}

export interface SliceResult {
  index: number;
  /** columns × rows grey voxels (after crop, downsample and orientation), in its own buffer. */
  voxels: Uint8Array | Uint16Array;
  /** Coloured pixels inside the crop (before downsampling). */
  colouredPixels: number;
  /** Pixels inside the crop (the denominator of colouredPixels). */
  pixels: number;
  /** hashPixels(voxels): equal for identical slices. */
  hash: string;
  /** The voxels were written into the request's `target`: nothing to copy. */
  inPlace?: boolean;
  /** With the request's `histogram`: voxelHistogram(voxels), in its own (transferable) buffer. */
  histogram?: Float64Array;
}

export type SliceReply =
  | { index: number; ticket?: number; ok: true; result: SliceResult }
  | { index: number; ticket?: number; ok: false; error: WireError };

/** Reads a source the core cannot read itself (a path, in Node). */
export type SourceReader = (source: DecodeSource) => Promise<Uint8Array>;

async function readSource(source: DecodeSource, reader?: SourceReader): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source !== 'string' && typeof (source as BlobLike).arrayBuffer === 'function' && !reader) {
    return new Uint8Array(await (source as BlobLike).arrayBuffer());
  }
  if (!reader) throw new Error(`no reader for slice source ${String(source)}`);
  return reader(source);
}

function mismatch(req: SliceRequest, width: number, height: number, bitDepth: number): ImageStackError {
  return new ImageStackError(
    'mismatch',
    `is ${width} × ${height} ${bitDepth}-bit, but the other slices are ${req.width} × ${req.height} ${req.bitDepth}-bit`,
    req.file,
  );
}

function outputArray(req: SliceRequest, n: number): Uint8Array | Uint16Array {
  if (req.target) {
    const { buffer, byteOffset } = req.target;
    return req.bitDepth === 16 ? new Uint16Array(buffer, byteOffset, n) : new Uint8Array(buffer, byteOffset, n);
  }
  const bytes = n * (req.bitDepth / 8);
  const buffer = req.into && req.into.byteLength >= bytes ? req.into : new ArrayBuffer(bytes);
  return req.bitDepth === 16 ? new Uint16Array(buffer, 0, n) : new Uint8Array(buffer, 0, n);
}

function describe(img: { width: number; height: number; bitDepth: number; sampleFormat?: SampleFormat }): string {
  return `${img.width} × ${img.height} ${img.bitDepth}-bit${img.sampleFormat ? ` ${img.sampleFormat === 'float' ? 'float' : img.sampleFormat === 'int' ? 'signed' : 'unsigned'}` : ''}`;
}

/** Check a decoded page against the plan and turn it into the grey crop (real values through the rescale). */
function greyOf(img: DecodedImage, req: SliceRequest, out?: Uint8Array | Uint16Array): GreySlice {
  const want = req.values ? { width: req.width, height: req.height, ...req.values } : { width: req.width, height: req.height, bitDepth: req.bitDepth };
  if (img.width !== want.width || img.height !== want.height || img.bitDepth !== want.bitDepth || img.sampleFormat !== (want as { sampleFormat?: SampleFormat }).sampleFormat) {
    throw new ImageStackError('mismatch', `is ${describe(img)}, but the other slices are ${describe(want)}`, req.file);
  }
  if (isRealValued(img)) {
    if (!req.rescale) throw new ImageStackError('bad-argument', 'real-valued slices need a value range mapped to grey levels (measure one with sampleValueRange, or give one)', req.file);
    const n = req.crop.width * req.crop.height;
    const voxels = out instanceof Uint16Array && out.length >= n ? out.subarray(0, n) : new Uint16Array(n);
    mapToVoxels(img, req.crop, req.rescale, voxels);
    return { width: req.crop.width, height: req.crop.height, bitDepth: 16, data: voxels, colouredPixels: 0 };
  }
  return toGrey(img as IntegerImage, req.crop);
}

/** The grey crop of the slice: BMPs through the fused decoder (into `out` when given), the rest decoded then converted. */
function decodeGrey(bytes: Uint8Array, req: SliceRequest, out?: Uint8Array | Uint16Array, tiff?: TiffFile): GreySlice {
  if (tiff) return greyOf(tiff.decodePage(req.page), req, out);
  if (sniffFormat(bytes) === 'bmp' && req.page === 0) {
    const head = readBmpHeader(bytes, req.file, req.maxPixels);
    if (head.width !== req.width || head.height !== req.height || req.bitDepth !== 8) throw mismatch(req, head.width, head.height, 8);
    const g = decodeBmpGrey(bytes, req.file, req.maxPixels, req.crop, out as Uint8Array | undefined);
    if (g) return { ...g, bitDepth: 8 };
  }
  return greyOf(decodeImage(bytes, req.file, { page: req.page, maxPixels: req.maxPixels }), req, out);
}

/**
 * Decode, check, convert to grey, crop, downsample and orient one slice. Synchronous once the
 * bytes are in. `tiff`: the same file already parsed (see createSliceDecoder). `scratch`: a
 * buffer to reuse for the unoriented slice when there is an orientation (grown when short),
 * and the histogram's work array (made on first use).
 */
export function decodeSliceBytes(bytes: Uint8Array, req: SliceRequest, tiff?: TiffFile, scratch?: { buffer?: ArrayBuffer; tallies?: Uint32Array }): SliceResult {
  const f = req.downsample;
  const w = Math.floor(req.crop.width / f);
  const h = Math.floor(req.crop.height / f);
  const n = w * h;
  const voxels = outputArray(req, n);
  // With an orientation the slice is made in a scratch buffer, then reordered into place.
  const oriented = !isIdentityOrientation(req.orient);
  let plain = voxels;
  if (oriented) {
    const bytesNeeded = n * (req.bitDepth / 8);
    const buf = scratch?.buffer && scratch.buffer.byteLength >= bytesNeeded ? scratch.buffer : new ArrayBuffer(bytesNeeded);
    if (scratch) scratch.buffer = buf;
    plain = req.bitDepth === 16 ? new Uint16Array(buf, 0, n) : new Uint8Array(buf, 0, n);
  }
  const grey = decodeGrey(bytes, req, f === 1 ? plain : undefined, tiff);
  if (f === 1) {
    if (grey.data !== plain && grey.data.buffer !== plain.buffer) plain.set(grey.data.subarray(0, n));
  } else {
    downsampleInto(grey.data, grey.width, grey.height, f, plain);
  }
  if (oriented) orientSlice(plain, w, h, req.orient, voxels);
  const result: SliceResult = { index: req.index, voxels, colouredPixels: grey.colouredPixels, pixels: grey.width * grey.height, hash: req.hash === false ? '' : hashPixels(voxels) };
  if (req.target) result.inPlace = true;
  if (req.histogram) result.histogram = voxelHistogram(voxels, undefined, scratch ? (scratch.tallies ??= histogramTallies()) : undefined);
  return result;
}

/** Make the asynchronous parts of a decoder ready for these bytes (the JPEG decoder's WebAssembly). */
export async function prepareDecoders(bytes: Uint8Array): Promise<void> {
  if (sniffFormat(bytes) === 'jpeg') await prepareJpegDecoder();
}

/**
 * Decode one page of a source as it is stored (no grey, crop or rescale): for measuring the
 * values of real-valued slices before the stack is loaded.
 */
export async function decodeSourcePage(source: DecodeSource, page: number, file: string, reader?: SourceReader, maxPixels?: number): Promise<DecodedImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readSource(source, reader);
  } catch (e) {
    if (e instanceof ImageStackError) throw e.withFile(file);
    throw new ImageStackError('io', `could not be read (${(e as Error).message})`, file);
  }
  await prepareDecoders(bytes);
  return decodeImage(bytes, file, { page, maxPixels }).pages[0];
}

/**
 * What identifies a source across messages: a path, or a File's name, size and date (a File
 * posted to a worker arrives as a new object each time).
 */
function sourceKey(source: DecodeSource): unknown {
  if (typeof source === 'string') return source;
  const f = source as { name?: unknown; size?: unknown; lastModified?: unknown };
  if (typeof f.name === 'string' && typeof f.size === 'number') return `${f.name}\u0000${f.size}\u0000${String(f.lastModified)}`;
  return source;
}

/** A file a decoder holds: its bytes, its TIFF directories once parsed, and who is using them. */
interface HeldFile {
  key: unknown;
  bytes: Promise<Uint8Array>;
  tiff?: TiffFile;
  /** Decodes using the bytes now. */
  users: number;
  /** The bytes are in a buffer of the decoder's own (read from a Blob), to be read into again once unused. */
  own: boolean;
  returned?: boolean;
}

/**
 * Read a source for a decoder: a Blob into one of the decoder's buffers (see readBlob.ts),
 * anything else as readSource does.
 */
function holdSource(key: unknown, source: DecodeSource, buffers: ReadBuffers, reader?: SourceReader): HeldFile {
  if (!reader && canReadIntoBuffer(source)) {
    const held: HeldFile = { key, users: 0, own: true, bytes: Promise.resolve(new Uint8Array(0)) };
    held.bytes = readBlobIntoBuffer(source, buffers).then(b => {
      if (b) return b;
      held.own = false;
      return readSource(source);
    });
    return held;
  }
  return { key, users: 0, own: false, bytes: readSource(source, reader) };
}

/**
 * A decoder for one worker. Keeps the last file's bytes (one file at most), so the pages of a
 * multi-page TIFF are read once per worker, not once per page. Files and Blobs are read into
 * `buffers` and read into again for the next files (by default nine spare: as many as a worker
 * holds files at once, its eight decodes in flight and the last file). No result shares memory with
 * them: the voxels are always written to the result's own buffer (or the request's target).
 */
export function createSliceDecoder(reader?: SourceReader, buffers: ReadBuffers = createReadBuffers(9)) {
  // The last file read, and its TIFF directories once a page beyond the first asked for them.
  // Kept together: with several decodes in flight (a browser worker has eight) another file's
  // read may replace the last one while this decode awaits its bytes, and parsed directories
  // kept apart from their file were then another file's pages (wrong pixels, no error).
  let last: HeldFile | undefined;
  const scratch: { buffer?: ArrayBuffer; tallies?: Uint32Array } = {};
  // A file's buffer goes back to be read into only when no decode uses it and it is no longer
  // the last file: a decode awaiting the JPEG decoder's start-up still reads its bytes after.
  const release = (file: HeldFile | undefined) => {
    if (!file || !file.own || file.returned || file.users > 0 || file === last) return;
    file.returned = true;
    file.bytes.then(b => buffers.give(b.buffer as ArrayBuffer), () => undefined);
  };
  return {
    async decode(req: SliceRequest): Promise<SliceResult> {
      const key = sourceKey(req.source);
      if (!last || last.key !== key) {
        const before = last;
        last = holdSource(key, req.source, buffers, reader);
        release(before);
      }
      const file = last;
      file.users++;
      try {
        let b: Uint8Array;
        try {
          b = await file.bytes;
        } catch (e) {
          file.own = false; // nothing to give back
          if (last === file) last = undefined;
          if (e instanceof ImageStackError) throw e.withFile(req.file);
          throw new ImageStackError('io', `could not be read (${(e as Error).message})`, req.file);
        }
        await prepareDecoders(b);
        // Pages beyond the first mean a multi-page TIFF: parse its directories once per file.
        if (req.page > 0 && !file.tiff && sniffFormat(b) === 'tiff') file.tiff = openTiff(b, req.file, req.maxPixels);
        return decodeSliceBytes(b, req, file.tiff, scratch);
      } finally {
        file.users--;
        release(file);
      }
    },
    /** The message handler a worker runs: a reply and the buffers to transfer with it. */
    async handle(req: SliceRequest): Promise<{ reply: SliceReply; transfer: ArrayBuffer[] }> {
      try {
        const result = await this.decode(req);
        // Shared memory is not transferred (it is shared); a plain buffer is handed over.
        const transfer = result.inPlace ? [] : [result.voxels.buffer as ArrayBuffer];
        if (result.histogram) transfer.push(result.histogram.buffer as ArrayBuffer);
        return { reply: { index: req.index, ticket: req.ticket, ok: true, result }, transfer };
      } catch (e) {
        const error = e instanceof ImageStackError ? errorToWire(e.withFile(req.file), 'decoding') : errorToWire(new ImageStackError('corrupt', `could not be decoded (${(e as Error)?.message ?? String(e)})`, req.file), 'decoding');
        return { reply: { index: req.index, ticket: req.ticket, ok: false, error }, transfer: [] };
      }
    },
  };
}

/** Turn a failed reply back into the ImageStackError it carried. */
export function replyError(reply: Extract<SliceReply, { ok: false }>): ImageStackError {
  return errorFromWire(reply.error);
}
