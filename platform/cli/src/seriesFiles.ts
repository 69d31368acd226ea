// Writing a series to disk, one Part-10 file per slice, the fast way: each file is its head
// (part10Head) then its pixel bytes (a view of the volume, or 8-bit widened into a buffer reused
// from file to file), written without joining them, with a few files in flight at once on
// libuv's thread pool.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageStackError, part10FileName, part10Parts, sliceView, type SyntheticCtRecord, type VoxelStack } from '@imagestack/core';
import { writeFailed } from './io';

/**
 * Files written at once. libuv's pool has 4 threads; the kernel's side of writing (copying into
 * the page cache, faulting its pages in) is most of a file's cost, and with two or more files
 * in flight it runs on both cores while this thread prepares the next file's head and pixels.
 */
export const WRITES_IN_FLIGHT = 4;

export interface WriteSeriesOptions {
  signal?: AbortSignal;
  /** Called each time a file is complete on disk: files written so far, of total. */
  onProgress?: (written: number, total: number) => void;
  /** Files in flight at once (default WRITES_IN_FLIGHT). */
  inFlight?: number;
}

/**
 * Bytes per write call. One write of a whole 3 MB file is much slower than the same bytes in
 * pieces: the kernel (6.x, large page-cache folios) then fills it with 2 MB folios, and on our
 * VM those come from memory the host must back again; measured for 330 files of 3 MB: 2.1 s
 * of sys in 3 MB or 2 MB writes, 0.6–0.9 s in writes of 512 KiB or 1 MiB (fs.writeFile's
 * pieces are 512 KiB).
 */
const WRITE_PIECE = 512 * 1024;

/** `parts` without their first `n` bytes (views, no copy). */
function dropBytes(parts: Uint8Array[], n: number): Uint8Array[] {
  let k = 0;
  while (k < parts.length && n >= parts[k].length) n -= parts[k++].length;
  const rest = parts.slice(k);
  if (n > 0) rest[0] = rest[0].subarray(n);
  return rest;
}

/** Writes the parts one after the other to `path` (created or truncated), WRITE_PIECE bytes a call, finishing short writes. */
async function writeFileParts(path: string, parts: Uint8Array[]): Promise<void> {
  const file = await open(path, 'w');
  try {
    let rest = parts.filter(p => p.length > 0);
    let position = 0;
    while (rest.length) {
      const piece: Uint8Array[] = [];
      let size = 0;
      for (const p of rest) {
        if (size === WRITE_PIECE) break;
        const take = Math.min(p.length, WRITE_PIECE - size);
        piece.push(p.subarray(0, take));
        size += take;
      }
      const { bytesWritten } = await file.writev(piece, position);
      if (bytesWritten === 0) throw new Error('the disk took no bytes');
      position += bytesWritten;
      rest = dropBytes(rest, bytesWritten);
    }
  } finally {
    await file.close();
  }
}

/**
 * One Part-10 file per slice of `stack` into the folder `out` (IMG0001.dcm, … as
 * part10FileName names them), the same bytes as writePart10's. Stops at the first failed write
 * (an ImageStackError 'io' naming the file) or when `signal` is aborted (an ImageStackError
 * 'cancelled' saying how many files are complete), once the files already in flight are done.
 */
export async function writeSeriesFiles(stack: VoxelStack, records: readonly SyntheticCtRecord[], out: string, options: WriteSeriesOptions = {}): Promise<void> {
  if (records.length !== stack.slices) throw new Error(`writeSeriesFiles: ${records.length} records for ${stack.slices} slices`);
  const total = stack.slices;
  const n = stack.rows * stack.columns;
  let next = 0;
  let written = 0;
  let cancelled = false;
  let failure: ImageStackError | undefined;
  async function lane(): Promise<void> {
    // this lane's widening buffer, reused for each of its files (16-bit slices need none)
    const scratch = stack.bitsStored === 8 ? new Uint16Array(n) : undefined;
    while (next < total && !failure && !cancelled) {
      if (options.signal?.aborted) {
        cancelled = true;
        break;
      }
      const k = next++;
      const path = join(out, part10FileName(k + 1, total));
      const parts = part10Parts(records[k], sliceView(stack, k), scratch);
      try {
        await writeFileParts(path, parts);
      } catch (e) {
        failure ??= writeFailed(e, path);
        break;
      }
      options.onProgress?.(++written, total);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.inFlight ?? WRITES_IN_FLIGHT, total)) }, lane));
  if (failure) throw failure;
  if (cancelled) throw partialSeries(written, total, out);
}

/** Ctrl-C while a series was being written: how many of its files in `out` are complete. */
export function partialSeries(written: number, total: number, out: string): ImageStackError {
  return new ImageStackError('cancelled', `stopped after ${written} of ${total} files: the folder holds a partial series`, out);
}
