// Node only: turn the user's inputs (folders and files) into candidate files with headers.
import { closeSync, openSync, promises as fs, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { ImageStackError } from '../../errors';
import type { SkippedFile, StackFileInfo } from '../plan';
import { probeTargets } from '../probe';
import type { ProbeTarget } from '../probe';

export interface ListedFile {
  name: string;
  path: string;
}

/** The deepest folder holding every one of `paths` (absolute). */
function commonFolder(paths: readonly string[]): string {
  let common = paths[0].split(path.sep);
  for (const p of paths) {
    const parts = p.split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}

/**
 * Files named by `inputs`: a folder gives its files (not its subfolders, which are listed as
 * skipped); a file gives itself. Names are paths relative to the deepest folder holding every
 * input, with '/' between parts: base names for one folder or files of one folder;
 * "scan1/IMG1.bmp" for sibling folders, so files of the same name sort by their folder (and
 * two inputs of the same name, x/scan and y/scan, stay apart: "x/scan/IMG1.bmp").
 */
export async function listInputs(inputs: readonly string[]): Promise<{ files: ListedFile[]; skipped: SkippedFile[] }> {
  if (!inputs.length) throw new ImageStackError('empty', 'no input folders or files given');
  const files: ListedFile[] = [];
  const skipped: SkippedFile[] = [];
  const kinds: boolean[] = [];
  for (const input of inputs) {
    try {
      kinds.push((await fs.stat(input)).isDirectory());
    } catch {
      throw new ImageStackError('io', 'no such file or folder', input);
    }
  }
  const base = commonFolder(inputs.map((input, i) => (kinds[i] ? path.resolve(input) : path.dirname(path.resolve(input)))));
  const relativeName = (full: string) => path.relative(base, path.resolve(full)).split(path.sep).join('/');
  for (const [i, input] of inputs.entries()) {
    if (kinds[i]) {
      const entries = await fs.readdir(input, { withFileTypes: true });
      for (const e of entries) {
        const full = path.join(input, e.name);
        const name = relativeName(full);
        let isDir = e.isDirectory();
        if (e.isSymbolicLink()) isDir = (await fs.stat(full).catch(() => null))?.isDirectory() ?? false;
        if (isDir) skipped.push({ name, reason: 'folder (not read)' });
        else files.push({ name, path: full });
      }
    } else {
      files.push({ name: relativeName(input), path: input });
    }
  }
  return { files, skipped };
}

/** Headers of listed files (see probeTarget): for callers that plan without reading. */
export async function probeFiles(files: readonly ListedFile[], maxPixels?: number): Promise<StackFileInfo[]> {
  return probeTargets(await fileTargets(files), maxPixels);
}

/**
 * Probe targets for files on disk: sizes from stat, headers by ranged reads. Both synchronous:
 * a stack is hundreds of files, and a few system calls each on this thread beat round trips
 * through the libuv pool (shared with every worker of the process), which made the headers
 * the slowest step before the slices were read.
 */
export async function fileTargets(files: readonly ListedFile[]): Promise<ProbeTarget[]> {
  return files.map(f => {
    let size = -1;
    try {
      size = statSync(f.path).size;
    } catch {
      // reported when the header is read
    }
    return {
      name: f.name,
      size: Math.max(size, 0),
      source: f.path,
      readRange: async (start: number, end: number) => {
        if (size < 0) throw new Error('cannot stat the file');
        const fd = openSync(f.path, 'r');
        try {
          const buf = new Uint8Array(end - start);
          let got = 0;
          while (got < buf.length) {
            const bytesRead = readSync(fd, buf, got, buf.length - got, start + got);
            if (!bytesRead) break;
            got += bytesRead;
          }
          return buf.subarray(0, got);
        } finally {
          closeSync(fd);
        }
      },
    };
  });
}
