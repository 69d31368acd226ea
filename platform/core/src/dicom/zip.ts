import type * as Fflate from 'fflate';
import { ImageStackError } from '../errors';
import type { Part10File } from './series';

// Loaded when a zip is first written (~30 ms): no other command needs it.
let fflate: typeof Fflate | undefined;
const zipLib = () => (fflate ??= require('fflate') as typeof Fflate);

export interface ZipSeriesOptions {
  /** Folder inside the zip (e.g. the series description); none by default. */
  folder?: string;
  /**
   * Deflate level 0–9. Default 0 (stored): fast and enough for a download; 1 roughly halves
   * 8-bit data widened to 16 bits (every high byte is 0) at some CPU cost.
   */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  /** File times in the zip (default now). */
  mtime?: Date;
}

/**
 * Streams Part-10 files into a zip ("Save as DICOM (zip)"): `onChunk` receives the zip's bytes
 * in order (collect them into a Blob in the browser, or write them to a file), so only one
 * slice's file is in memory at a time besides what the caller keeps.
 */
export function zipPart10Files(files: Iterable<Part10File>, onChunk: (chunk: Uint8Array, final: boolean) => void, options: ZipSeriesOptions = {}): void {
  const writer = zipWriter(onChunk, options);
  for (const file of files) writer.add(file);
  writer.end();
}

/** One zip being written: entries are added one at a time, then ended. */
function zipWriter(onChunk: (chunk: Uint8Array, final: boolean) => void, options: ZipSeriesOptions) {
  let failure: Error | null = null;
  const { Zip, ZipDeflate, ZipPassThrough } = zipLib();
  const zip = new Zip((err, data, final) => {
    if (err) failure = err;
    else onChunk(data, final);
  });
  const prefix = options.folder ? `${options.folder.replace(/[\\/:*?"<>|]+/g, '_')}/` : '';
  const mtime = options.mtime ?? new Date();
  return {
    add(file: Part10File) {
      const name = `${prefix}${file.fileName}`;
      const entry = options.level ? new ZipDeflate(name, { level: options.level }) : new ZipPassThrough(name);
      entry.mtime = mtime;
      zip.add(entry);
      entry.push(file.bytes, true);
      if (failure) throw failure;
    },
    end() {
      zip.end();
      if (failure) throw failure;
    },
    abort() {
      zip.terminate();
    },
  };
}

export interface ZipSeriesAsyncOptions extends ZipSeriesOptions {
  /** Called after each file with the number of files zipped so far. */
  onProgress?: (filesDone: number) => void;
  /** Cancels between files: the promise rejects with ImageStackError 'cancelled'. */
  signal?: AbortSignal;
}

/**
 * zipPart10Files for a page: the same zip, but it yields to the event loop after each file, so
 * a progress bar can repaint and a Cancel button can be pressed while a large series is zipped.
 * `files` may be lazy (part10Files), so only one slice's file is built at a time.
 */
export async function zipPart10FilesAsync(
  files: Iterable<Part10File> | AsyncIterable<Part10File>,
  onChunk: (chunk: Uint8Array, final: boolean) => void,
  options: ZipSeriesAsyncOptions = {},
): Promise<void> {
  const writer = zipWriter(onChunk, options);
  const cancelled = () => new ImageStackError('cancelled', 'saving the DICOM zip was cancelled');
  let done = 0;
  for await (const file of files) {
    if (options.signal?.aborted) {
      writer.abort();
      throw cancelled();
    }
    writer.add(file);
    options.onProgress?.(++done);
    await new Promise<void>(resolve => setTimeout(resolve, 0));
  }
  if (options.signal?.aborted) {
    writer.abort();
    throw cancelled();
  }
  writer.end();
}

/** zipPart10Files collected into one array (small series, tests). */
export function zipPart10FilesSync(files: Iterable<Part10File>, options: ZipSeriesOptions = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  zipPart10Files(files, chunk => chunks.push(chunk), options);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
