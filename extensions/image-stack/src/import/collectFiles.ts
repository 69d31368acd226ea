// Files from a drop or a picker, as a flat list of File objects (never read here: the probe
// reads each header by range, the decode workers read each file once).

/** The part of the File and Directory Entries API a folder drop gives us. */
interface EntryLike {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  /** "/scan/sub/IMG1.bmp": the entry's path inside the drop. */
  fullPath?: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: EntryLike[]) => void, fail: (e: unknown) => void): void };
}

async function filesOfEntry(entry: EntryLike, out: File[], unreadable: string[]): Promise<void> {
  if (entry.isFile && entry.file) {
    try {
      const f = await new Promise<File>((ok, fail) => entry.file!(ok, fail));
      // A dropped folder's Files carry no webkitRelativePath; give them their path in the drop,
      // so files of the same name in different subfolders sort by folder (see relativeNames).
      if (!f.webkitRelativePath && entry.fullPath?.includes('/', 1)) {
        Object.defineProperty(f, 'webkitRelativePath', { value: entry.fullPath.replace(/^\//, ''), configurable: true });
      }
      out.push(f);
    } catch {
      unreadable.push(entry.name);
    }
    return;
  }
  if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries answers in batches (100 in Chromium) until it answers an empty one
    for (;;) {
      let batch: EntryLike[];
      try {
        batch = await new Promise<EntryLike[]>((ok, fail) => reader.readEntries(ok, fail));
      } catch {
        unreadable.push(entry.name);
        return;
      }
      if (!batch.length) return;
      for (const child of batch) await filesOfEntry(child, out, unreadable);
    }
  }
}

/**
 * Every file of a drop, descending into dropped folders. The entries are taken synchronously
 * (a DataTransfer is emptied once the drop handler returns), then read.
 */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<{ files: File[]; unreadable: string[]; folder?: string }> {
  const entries: EntryLike[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = (item as DataTransferItem & { webkitGetAsEntry?: () => EntryLike | null }).webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (!entries.length && !loose.length) return { files: Array.from(dt.files ?? []), unreadable: [] };
  const files: File[] = [...loose];
  const unreadable: string[] = [];
  for (const e of entries) await filesOfEntry(e, files, unreadable);
  // one folder dropped on its own names the stack (its files carry no relative path)
  const folder = entries.length === 1 && !loose.length && entries[0].isDirectory ? entries[0].name : undefined;
  return { files, unreadable, folder };
}

/** A name for the stack: the dropped or picked folder's name, else the first file's name without its number and extension. */
export function stackTitle(files: readonly File[], droppedFolder?: string): string {
  if (droppedFolder) return droppedFolder;
  const rel = (files[0] as File & { webkitRelativePath?: string })?.webkitRelativePath;
  if (rel && rel.includes('/')) return rel.split('/')[0];
  const stem = (files[0]?.name ?? 'Image stack').replace(/\.[a-z0-9]+$/i, '');
  return stem.replace(/[\s_\-(]*\d+\)?\s*$/, '').trim() || stem;
}
