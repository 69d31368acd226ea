import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { Part10File } from './series';

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
  let failure: Error | null = null;
  const zip = new Zip((err, data, final) => {
    if (err) failure = err;
    else onChunk(data, final);
  });
  const prefix = options.folder ? `${options.folder.replace(/[\\/:*?"<>|]+/g, '_')}/` : '';
  const mtime = options.mtime ?? new Date();
  for (const file of files) {
    const name = `${prefix}${file.fileName}`;
    const entry = options.level ? new ZipDeflate(name, { level: options.level }) : new ZipPassThrough(name);
    entry.mtime = mtime;
    zip.add(entry);
    entry.push(file.bytes, true);
    if (failure) throw failure;
  }
  zip.end();
  if (failure) throw failure;
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
