import { blobTargets, naturalSort, type BlobFile } from '@imagestack/core';
import { filesFromDataTransfer, stackTitle } from './collectFiles';

const file = (name: string, webkitRelativePath = '') => ({ name, webkitRelativePath }) as unknown as File;

describe('stackTitle', () => {
  it('is the folder name for a picked or dropped folder', () => {
    expect(stackTitle([file('IMG (1).bmp', 'CT head 2019/IMG (1).bmp')])).toBe('CT head 2019');
    expect(stackTitle([file('IMG (1).bmp')], 'CT head 2019')).toBe('CT head 2019');
  });
  it('is the file name without its number and extension otherwise', () => {
    expect(stackTitle([file('IMG (12).bmp')])).toBe('IMG');
    expect(stackTitle([file('scan_0001.png')])).toBe('scan');
    expect(stackTitle([file('0001.png')])).toBe('0001');
  });
});

describe('filesFromDataTransfer', () => {
  const f = (name: string) => ({ name }) as unknown as File;
  const fileEntry = (name: string) => ({ isFile: true, isDirectory: false, name, file: (ok: (x: File) => void) => ok(f(name)) });
  /** A folder whose reader answers in batches of `batch`, then an empty batch, like Chromium's. */
  const dirEntry = (name: string, children: unknown[], batch = 2) => ({
    isFile: false,
    isDirectory: true,
    name,
    createReader() {
      let at = 0;
      return {
        readEntries(ok: (e: unknown[]) => void) {
          const out = children.slice(at, at + batch);
          at += batch;
          setTimeout(() => ok(out), 0);
        },
      };
    },
  });
  const item = (entry: unknown) => ({ kind: 'file', webkitGetAsEntry: () => entry, getAsFile: () => null });

  it('walks dropped folders (every batch of entries, nested folders) and loose files', async () => {
    const folder = dirEntry('scan', [fileEntry('IMG (1).bmp'), fileEntry('IMG (2).bmp'), fileEntry('IMG (3).bmp'), dirEntry('more', [fileEntry('IMG (4).bmp')])]);
    const dt = { items: [item(folder), item(fileEntry('extra.png')), { kind: 'string' }], files: [] } as unknown as DataTransfer;
    const { files, unreadable } = await filesFromDataTransfer(dt);
    expect(files.map(x => x.name).sort()).toEqual(['IMG (1).bmp', 'IMG (2).bmp', 'IMG (3).bmp', 'IMG (4).bmp', 'extra.png']);
    expect(unreadable).toEqual([]);
    expect((await filesFromDataTransfer({ items: [item(folder)], files: [] } as unknown as DataTransfer)).folder).toBe('scan');
  });

  it('gives dropped files their path in the drop, so blobTargets names and sorts them by folder', async () => {
    const entry = (path: string) => ({ ...fileEntry(path.split('/').pop()!), fullPath: `/${path}` });
    const folder = dirEntry('scan', [entry('scan/b/IMG1.bmp'), entry('scan/a/IMG1.bmp'), entry('scan/a/IMG2.bmp'), entry('scan/b/IMG2.bmp')]);
    const { files } = await filesFromDataTransfer({ items: [item(folder)], files: [] } as unknown as DataTransfer);
    expect(files.map(x => x.webkitRelativePath)).toEqual(['scan/b/IMG1.bmp', 'scan/a/IMG1.bmp', 'scan/a/IMG2.bmp', 'scan/b/IMG2.bmp']);
    const names = blobTargets(files as unknown as BlobFile[]).map(t => t.name);
    expect(names).toEqual(['b/IMG1.bmp', 'a/IMG1.bmp', 'a/IMG2.bmp', 'b/IMG2.bmp']);
    expect(naturalSort(names)).toEqual(['a/IMG1.bmp', 'a/IMG2.bmp', 'b/IMG1.bmp', 'b/IMG2.bmp']);
  });

  it('lists entries that cannot be read instead of failing the drop', async () => {
    const broken = { isFile: true, isDirectory: false, name: 'locked.bmp', file: (_ok: unknown, fail: (e: unknown) => void) => fail(new Error('denied')) };
    const dt = { items: [item(broken), item(fileEntry('IMG (1).bmp'))], files: [] } as unknown as DataTransfer;
    const { files, unreadable } = await filesFromDataTransfer(dt);
    expect(files.map(x => x.name)).toEqual(['IMG (1).bmp']);
    expect(unreadable).toEqual(['locked.bmp']);
  });

  it('falls back to the plain file list without entries', async () => {
    const dt = { items: [], files: [f('a.png'), f('b.png')] } as unknown as DataTransfer;
    expect((await filesFromDataTransfer(dt)).files.map(x => x.name)).toEqual(['a.png', 'b.png']);
  });
});
