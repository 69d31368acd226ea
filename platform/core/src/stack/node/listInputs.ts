// Node only: turn the user's inputs (folders and files) into candidate files with headers.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ImageStackError } from '../../errors';
import type { SkippedFile, StackFileInfo } from '../plan';
import { probeTargets } from '../probe';
import type { ProbeTarget } from '../probe';

export interface ListedFile {
  name: string;
  path: string;
}

/**
 * Files named by `inputs`: a folder gives its files (not its subfolders, which are listed as
 * skipped); a file gives itself. Names are base names, prefixed by the folder when several
 * folders are given.
 */
export async function listInputs(inputs: readonly string[]): Promise<{ files: ListedFile[]; skipped: SkippedFile[] }> {
  if (!inputs.length) throw new ImageStackError('empty', 'no input folders or files given');
  const files: ListedFile[] = [];
  const skipped: SkippedFile[] = [];
  const folders = inputs.length > 1;
  for (const input of inputs) {
    let st;
    try {
      st = await fs.stat(input);
    } catch {
      throw new ImageStackError('io', 'no such file or folder', input);
    }
    if (st.isDirectory()) {
      const entries = await fs.readdir(input, { withFileTypes: true });
      for (const e of entries) {
        const full = path.join(input, e.name);
        const name = folders ? path.join(path.basename(input), e.name) : e.name;
        let isDir = e.isDirectory();
        if (e.isSymbolicLink()) isDir = (await fs.stat(full).catch(() => null))?.isDirectory() ?? false;
        if (isDir) skipped.push({ name, reason: 'folder (not read)' });
        else files.push({ name, path: full });
      }
    } else {
      files.push({ name: path.basename(input), path: input });
    }
  }
  return { files, skipped };
}

/** Headers of listed files (see probeTarget): for callers that plan without reading. */
export async function probeFiles(files: readonly ListedFile[], maxPixels?: number): Promise<StackFileInfo[]> {
  return probeTargets(await fileTargets(files), maxPixels);
}

/** Probe targets for files on disk: sizes from stat, headers by ranged reads. */
export async function fileTargets(files: readonly ListedFile[]): Promise<ProbeTarget[]> {
  return Promise.all(
    files.map(async f => {
      const size = await fs.stat(f.path).then(
        s => s.size,
        () => -1,
      );
      return {
        name: f.name,
        size: Math.max(size, 0),
        source: f.path,
        readRange: async (start: number, end: number) => {
          if (size < 0) throw new Error('cannot stat the file');
          const fh = await fs.open(f.path, 'r');
          try {
            const buf = new Uint8Array(end - start);
            let got = 0;
            while (got < buf.length) {
              const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
              if (!bytesRead) break;
              got += bytesRead;
            }
            return buf.subarray(0, got);
          } finally {
            await fh.close();
          }
        },
      };
    }),
  );
}
