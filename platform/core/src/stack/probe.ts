import { bmpNeedsWholeFile } from '../decode/bmp';
import { probeImage } from '../decode/decodeImage';
import { describeNonImage, IMAGE_EXTENSIONS, sniffFormat } from '../decode/sniff';
import { ImageStackError } from '../errors';
import type { StackFileInfo } from './plan';

/** Enough for every BMP, PNG and JPEG header we have seen (JPEG EXIF blocks are at most 64 KiB). */
export const HEAD_BYTES = 64 * 1024;
/** Read first: the format's signature, and a BMP's header and palette when its pixels start within. */
const FIRST_BYTES = 4096;

/** A file to probe: a File in the browser, a path in Node, behind a byte-range reader. */
export interface ProbeTarget {
  /** As the user sees it ("IMG (2).bmp"): sorting and messages. */
  name: string;
  size: number;
  /** Passed on to the decode step (a File, a path). */
  source: unknown;
  /** Bytes [start, end) of the file. */
  readRange(start: number, end: number): Promise<Uint8Array>;
}

/**
 * Read one file's header, cheaply (the first 64 KiB of a BMP; all of a TIFF, PNG or JPEG, or
 * an RLE BMP, whose structure the probe checks to the end). Files that are not images are returned with header null and a reason, except
 * files whose names say they are images (".bmp", ".png", …): those are errors naming the
 * file, since the user meant them as slices (a zero-byte "slice_007.bmp" is a broken stack,
 * not noise). Hidden files (".DS_Store", "._IMG1.bmp") are always skipped.
 */
export async function probeTarget(t: ProbeTarget, maxPixels?: number): Promise<StackFileInfo> {
  const read = async (end: number) => {
    try {
      return await t.readRange(0, end);
    } catch (e) {
      throw new ImageStackError('io', `could not be read (${(e as Error)?.message ?? String(e)})`, t.name);
    }
  };
  // First the few bytes that name the format: a BMP's header and palette end where its pixels
  // start, mostly within them (a 64 KiB read per file cost more than the rest of the probe).
  let head = await read(Math.min(t.size, FIRST_BYTES));
  const format = sniffFormat(head);
  if (format === 'bmp' && head.length < t.size && head.length >= 14 && (head[10] | (head[11] << 8) | (head[12] << 16) | (head[13] << 24)) >>> 0 > head.length) {
    head = await read(Math.min(t.size, HEAD_BYTES));
  }
  const base = t.name.split(/[\\/]/).pop() ?? t.name;
  if (!format) {
    if (IMAGE_EXTENSIONS.test(base) && !base.startsWith('.')) {
      if (t.size === 0) throw new ImageStackError('empty', 'the file is empty (0 bytes)', t.name);
      throw new ImageStackError('unsupported-format', `is named like an image but is not a BMP, PNG, JPEG or TIFF (${describeNonImage(head, base)})`, t.name);
    }
    return { name: t.name, source: t.source, size: t.size, header: null, skipReason: describeNonImage(head, base) };
  }
  // What the decoder would refuse is refused here: TIFF directories may lie anywhere; PNG
  // chunks are checked whole (every CRC, the image data present); a JPEG's markers up to its
  // end (a truncated file has none). Those files are compressed, so reading them is cheap
  // next to decoding them; a BMP's head is enough except for its RLE runs (see probeBmp).
  if ((format === 'tiff' || format === 'png' || format === 'jpeg' || (format === 'bmp' && bmpNeedsWholeFile(head))) && head.length < t.size) head = await read(t.size);
  try {
    return { name: t.name, source: t.source, size: t.size, header: probeImage(head, t.name, { maxPixels, fileSize: t.size }) };
  } catch (e) {
    // A JPEG frame header beyond the first bytes: read it all and try once more.
    if (!(e instanceof ImageStackError) || e.code !== 'corrupt' || head.length >= t.size) throw e;
    head = await read(t.size);
    return { name: t.name, source: t.source, size: t.size, header: probeImage(head, t.name, { maxPixels, fileSize: t.size }) };
  }
}

/** probeTarget for many files, a few at a time, in the order given. */
export async function probeTargets(targets: readonly ProbeTarget[], maxPixels?: number, concurrency = 8): Promise<StackFileInfo[]> {
  const out: StackFileInfo[] = new Array(targets.length);
  let next = 0;
  const lane = async () => {
    while (next < targets.length) {
      const i = next++;
      out[i] = await probeTarget(targets[i], maxPixels);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, lane));
  return out;
}

/** A Blob or File, as far as we need it (no DOM types in core). */
export interface BlobFile {
  name: string;
  size: number;
  slice(start?: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> };
  arrayBuffer(): Promise<ArrayBuffer>;
  /** Set on files from a folder drop or `<input webkitdirectory>` ("scan/IMG (2).bmp"). */
  webkitRelativePath?: string;
}

/**
 * The names files are shown and sorted by: their relative paths (from a folder drop or picker)
 * without the folder they all share, so "scan/IMG1.bmp" is "IMG1.bmp" and only subfolders
 * show ("a/IMG1.bmp", "b/IMG1.bmp"); plain names when there are no paths.
 */
export function relativeNames(files: readonly BlobFile[]): string[] {
  const paths = files.map(f => (f.webkitRelativePath && f.webkitRelativePath.includes('/') ? f.webkitRelativePath : f.name).replace(/\\/g, '/'));
  const dirs = paths.map(p => p.split('/').slice(0, -1));
  let common = dirs[0] ?? [];
  for (const d of dirs) {
    let i = 0;
    while (i < common.length && i < d.length && common[i] === d[i]) i++;
    common = common.slice(0, i);
  }
  return paths.map(p => p.split('/').slice(common.length).join('/'));
}

/** Probe targets for browser Files: each is read by range here and whole in the decode worker. */
export function blobTargets(files: readonly BlobFile[]): ProbeTarget[] {
  const names = relativeNames(files);
  return files.map((f, i) => ({
    name: names[i],
    size: f.size,
    source: f,
    readRange: async (start, end) => new Uint8Array(await f.slice(start, end).arrayBuffer()),
  }));
}
