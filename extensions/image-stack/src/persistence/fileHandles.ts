// Chromium's File System Access handles: the only way a page can read the user's files again
// after a reload without asking them to pick the files. A handle survives in IndexedDB; reading
// through it again needs the user's permission, asked from a click (the Restore button).

/** The parts of FileSystemHandle we use (lib.dom lacks the permission methods). */
interface HandleLike {
  kind: 'file' | 'directory';
  name: string;
  queryPermission?(o: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(o: { mode: 'read' }): Promise<PermissionState>;
  getFile?(): Promise<File>;
  values?(): AsyncIterable<HandleLike>;
}

export interface SavedHandles {
  kind: 'directory' | 'files';
  handles: unknown[];
}

/**
 * Asks the browser for the handles of a drop's items. Must be called synchronously in the drop
 * handler (the DataTransfer is emptied when it returns); resolves undefined where the browser
 * gives none (not Chromium, or an item that is not a file).
 */
export function captureDropHandles(dt: DataTransfer): Promise<SavedHandles | undefined> {
  const pending: Array<Promise<unknown>> = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const get = (item as DataTransferItem & { getAsFileSystemHandle?: () => Promise<unknown> }).getAsFileSystemHandle;
    if (!get) return Promise.resolve(undefined);
    pending.push(get.call(item).catch(() => null));
  }
  if (!pending.length) return Promise.resolve(undefined);
  return Promise.all(pending).then(handles => {
    if (handles.some(h => !h)) return undefined;
    const kinds = (handles as HandleLike[]).map(h => h.kind);
    return { kind: kinds.every(k => k === 'directory') ? 'directory' : 'files', handles };
  });
}

/** showDirectoryPicker where the browser has it (Chromium): a folder with a handle that can be saved. */
export function canPickWithHandles(): boolean {
  return typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

/**
 * Lets the user pick a folder through showDirectoryPicker and returns its files (with their
 * paths inside it) and the handle, or undefined when they cancel.
 */
export async function pickFolderWithHandle(): Promise<{ files: File[]; folder: string; handles: SavedHandles } | undefined> {
  let dir: HandleLike;
  try {
    dir = await (globalThis as unknown as { showDirectoryPicker(o: { mode: 'read' }): Promise<HandleLike> }).showDirectoryPicker({ mode: 'read' });
  } catch (e) {
    if ((e as { name?: string })?.name === 'AbortError') return undefined;
    throw e;
  }
  const files: File[] = [];
  await walk(dir, '', files);
  return { files, folder: dir.name, handles: { kind: 'directory', handles: [dir] } };
}

async function walk(h: HandleLike, prefix: string, out: File[]): Promise<void> {
  if (h.kind === 'file' && h.getFile) {
    out.push(await h.getFile());
    return;
  }
  if (h.kind === 'directory' && h.values) {
    for await (const child of h.values()) await walk(child, `${prefix}${h.name}/`, out);
  }
}

/**
 * Reads the files behind saved handles again, asking for read permission first (from a click).
 * Returns a reason instead when the browser refuses or a handle no longer reads (moved, deleted).
 */
export async function filesFromHandles(saved: SavedHandles): Promise<{ files?: File[]; reason?: string }> {
  const handles = saved.handles as HandleLike[];
  for (const h of handles) {
    let state = (await h.queryPermission?.({ mode: 'read' })) ?? 'prompt';
    if (state !== 'granted') state = (await h.requestPermission?.({ mode: 'read' })) ?? 'denied';
    if (state !== 'granted') return { reason: `the browser did not allow reading ${h.name} again` };
  }
  const files: File[] = [];
  try {
    for (const h of handles) await walk(h, '', files);
  } catch (e) {
    return { reason: `the saved files could not be read again (${(e as Error)?.message ?? e})` };
  }
  return { files };
}
