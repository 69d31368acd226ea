import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ImageStackError } from '@imagestack/core';

// Whether the inputs of `convert` and `mesh` are a DICOM series (geometry from the files)
// rather than image slices; the one place that decides it.

/** The files of the inputs: folders are listed (not recursively; hidden files skipped). */
async function inputFiles(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    let info;
    try {
      info = await stat(input);
    } catch (e) {
      throw new ImageStackError('io', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, input);
    }
    if (info.isDirectory()) {
      const names = (await readdir(input)).filter(name => !name.startsWith('.')).sort();
      for (const name of names) if ((await stat(join(input, name))).isFile()) files.push(join(input, name));
    } else files.push(input);
  }
  return files;
}

/** Whether a file is DICOM Part 10 ("DICM" after the 128-byte preamble). */
async function isPart10File(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new ImageStackError('io', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  try {
    const head = Buffer.alloc(132);
    const { bytesRead } = await handle.read(head, 0, 132, 0);
    return bytesRead === 132 && head.toString('latin1', 128, 132) === 'DICM';
  } finally {
    await handle.close();
  }
}

/** The DICOM files of the inputs when they are a DICOM series; undefined when they are images. */
export async function dicomInputs(inputs: string[]): Promise<string[] | undefined> {
  const files = await inputFiles(inputs);
  const flags = await Promise.all(files.map(isPart10File));
  const dicom = files.filter((_, i) => flags[i]);
  if (dicom.length === 0) return undefined;
  if (dicom.length < files.length) {
    const other = files.find((_, i) => !flags[i])!;
    throw new ImageStackError('mismatch', `is not DICOM, but ${basename(dicom[0])} is: give either a DICOM series or image slices`, other);
  }
  return dicom;
}
