// Node only: turn the user's inputs (folders and files) into candidate files with headers.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { probeImage } from '../../decode/decodeImage';
import { describeNonImage, IMAGE_EXTENSIONS, sniffFormat } from '../../decode/sniff';
import { ImageStackError } from '../../errors';
import type { SkippedFile, StackFileInfo } from '../plan';

/** Enough for every BMP, PNG and JPEG header we have seen (JPEG EXIF blocks are at most 64 KiB). */
const HEAD_BYTES = 256 * 1024;

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

async function readHead(file: string, size: number): Promise<Uint8Array> {
  if (size <= HEAD_BYTES) return new Uint8Array(await fs.readFile(file));
  const fh = await fs.open(file, 'r');
  try {
    const buf = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Read each file's header. Files that are not images are skipped with a reason, except files
 * whose names say they are images (".bmp", ".png", …): those are errors naming the file, since
 * the user meant them as slices (a zero-byte "slice_007.bmp" is a broken stack, not noise).
 */
export async function probeFiles(files: readonly ListedFile[], maxPixels?: number): Promise<StackFileInfo[]> {
  const out: StackFileInfo[] = [];
  for (const f of files) {
    let size: number;
    try {
      size = (await fs.stat(f.path)).size;
    } catch (e) {
      throw new ImageStackError('io', `could not be read (${(e as Error).message})`, f.name);
    }
    let head = await readHead(f.path, size).catch(e => {
      throw new ImageStackError('io', `could not be read (${(e as Error).message})`, f.name);
    });
    const format = sniffFormat(head);
    const base = path.basename(f.name);
    if (!format) {
      if (IMAGE_EXTENSIONS.test(base) && !base.startsWith('.')) {
        if (size === 0) throw new ImageStackError('empty', 'the file is empty (0 bytes)', f.name);
        throw new ImageStackError('unsupported-format', `is named like an image but is not a BMP, PNG, JPEG or TIFF (${describeNonImage(head, base)})`, f.name);
      }
      out.push({ name: f.name, source: f.path, size, header: null, skipReason: describeNonImage(head, base) });
      continue;
    }
    if (format === 'tiff' && head.length < size) head = new Uint8Array(await fs.readFile(f.path));
    let header;
    try {
      header = probeImage(head, f.name, { maxPixels, fileSize: size });
    } catch (e) {
      // A JPEG frame header beyond the first bytes: read it all and try once more.
      if (!(e instanceof ImageStackError) || e.code !== 'corrupt' || head.length >= size) throw e;
      head = new Uint8Array(await fs.readFile(f.path));
      header = probeImage(head, f.name, { maxPixels, fileSize: size });
    }
    out.push({ name: f.name, source: f.path, size, header });
  }
  return out;
}
