import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ImageStackError } from '@imagestack/core';

// Whether the inputs of `convert` and `mesh` are a DICOM series (geometry from the files)
// rather than image slices; the one place that decides it. Synchronous: a stack is hundreds of
// files and this thread has nothing else to do meanwhile, so three system calls per file beat
// three round trips each through the thread pool (which made this the slowest step before the
// slices were read).

/** The files of the inputs: folders are listed (not recursively; hidden files skipped). */
function inputFiles(inputs: string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    let info;
    try {
      info = statSync(input);
    } catch (e) {
      throw new ImageStackError('io', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, input);
    }
    if (info.isDirectory()) {
      const names = readdirSync(input).filter(name => !name.startsWith('.')).sort();
      for (const name of names) if (statSync(join(input, name)).isFile()) files.push(join(input, name));
    } else files.push(input);
  }
  return files;
}

/** Whether a file is DICOM Part 10 ("DICM" after the 128-byte preamble). */
function isPart10File(path: string, head: Buffer): boolean {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new ImageStackError('io', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  try {
    const bytesRead = readSync(fd, head, 0, 132, 0);
    return bytesRead === 132 && head.toString('latin1', 128, 132) === 'DICM';
  } finally {
    closeSync(fd);
  }
}

/** The DICOM files of the inputs when they are a DICOM series; undefined when they are images. */
export async function dicomInputs(inputs: string[]): Promise<string[] | undefined> {
  const files = inputFiles(inputs);
  const head = Buffer.alloc(132);
  const flags = files.map(f => isPart10File(f, head));
  const dicom = files.filter((_, i) => flags[i]);
  if (dicom.length === 0) return undefined;
  if (dicom.length < files.length) {
    const other = files.find((_, i) => !flags[i])!;
    throw new ImageStackError('mismatch', `is not DICOM, but ${basename(dicom[0])} is: give either a DICOM series or image slices`, other);
  }
  return dicom;
}
