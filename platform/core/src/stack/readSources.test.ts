// The browser path, in Node: Files (Node's own File class) probed by range, decoded by the
// Web Worker handler (serveSliceRequests) behind webWorkerSpawner, here with an in-process
// stand-in for `new Worker(url)` that speaks the same postMessage protocol.
import { writeBmp } from '../../../../tests/fixtures/images/bmpWriter';
import { blobTargets, relativeNames, type BlobFile } from './probe';
import { readStackFromTargets } from './readSources';
import { serveSliceRequests, webWorkerSpawner, type WebWorkerLike, type WorkerScopeLike } from './webWorker';

function inProcessWorker(log: { transferred: number }): WebWorkerLike {
  const worker: WebWorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage(message, transfer) {
      log.transferred += transfer.length;
      setTimeout(() => scope.onmessage?.({ data: structuredClone(message) }), 0);
    },
    terminate() {
      scope.onmessage = null;
    },
  };
  const scope: WorkerScopeLike = {
    onmessage: null,
    postMessage(message) {
      setTimeout(() => worker.onmessage?.({ data: message }), 0);
    },
  };
  serveSliceRequests(scope);
  return worker;
}

test('Files in, one volume out, through Web-Worker-shaped workers', async () => {
  const W = 12;
  const H = 6;
  const files: BlobFile[] = [3, 1, 2].map(k => new File([writeBmp({ width: W, height: H, bitCount: 24, rgb: new Uint8Array(W * H * 3).fill(k * 40) })], `slice ${k}.bmp`));
  files.push(new File(['not an image'], 'notes.txt'));
  const log = { transferred: 0 };
  const plans: string[][] = [];
  const { stack, report } = await readStackFromTargets(blobTargets(files), {
    workers: 2,
    spawn: webWorkerSpawner(() => inProcessWorker(log)),
    downsample: 2,
    onPlan: p => plans.push(p.slices.map(s => s.name)),
  });
  expect(plans).toEqual([['slice 1.bmp', 'slice 2.bmp', 'slice 3.bmp']]);
  expect(stack).toMatchObject({ columns: 6, rows: 3, slices: 3, bitsStored: 8 });
  expect(Array.from(stack!.voxels.subarray(0, 18))).toEqual(new Array(18).fill(40));
  expect(Array.from(stack!.voxels.subarray(36))).toEqual(new Array(18).fill(120));
  expect(report.skipped).toEqual([{ name: 'notes.txt', reason: 'text file' }]);
});

test('the pages of a multi-page TIFF File are read once per worker, though each message brings a new File object', async () => {
  const { createSliceDecoder } = await import('./decodeSlice');
  const { magick, tempDir } = await import('../../../../tests/fixtures/images/magick');
  const { readFileSync } = await import('node:fs');
  const tmp = tempDir('imagestack-tiffpages-');
  try {
    const tif = tmp.file('ct.tif');
    magick('-size', '8x6', 'gradient:', '(', '+clone', '-negate', ')', '(', '+clone', '-flip', ')', '-depth', '8', '-adjoin', tif);
    const bytes = readFileSync(tif);
    let reads = 0;
    const decoder = createSliceDecoder();
    const crop = { x: 0, y: 0, width: 8, height: 6 };
    for (let page = 0; page < 3; page++) {
      const file = new File([bytes], 'ct.tif', { lastModified: 1 });
      const counted = { name: file.name, size: file.size, lastModified: file.lastModified, arrayBuffer: () => (reads++, file.arrayBuffer()) };
      const r = await decoder.decode({ index: page, file: 'ct.tif', source: counted, page, width: 8, height: 6, bitDepth: 8, crop, downsample: 1 });
      expect(r.voxels.length).toBe(48);
    }
    expect(reads).toBe(1);
  } finally {
    tmp.cleanup();
  }
});

test('a zero-byte File named like an image is an error naming it', async () => {
  const files: BlobFile[] = [new File([writeBmp({ width: 2, height: 2, bitCount: 24, rgb: new Uint8Array(12) })], 'a.bmp'), new File([], 'b.bmp')];
  await expect(readStackFromTargets(blobTargets(files))).rejects.toThrow(/^b\.bmp: the file is empty/);
});

describe('relativeNames (browser Files)', () => {
  const f = (name: string, webkitRelativePath = '') => ({ name, webkitRelativePath, size: 0, slice: () => ({ arrayBuffer: async () => new ArrayBuffer(0) }), arrayBuffer: async () => new ArrayBuffer(0) });
  test('drops the folder every file shares; keeps subfolders', () => {
    expect(relativeNames([f('IMG1.bmp', 'scan/IMG1.bmp'), f('IMG2.bmp', 'scan/IMG2.bmp')])).toEqual(['IMG1.bmp', 'IMG2.bmp']);
    expect(relativeNames([f('IMG1.bmp', 'scan/a/IMG1.bmp'), f('IMG1.bmp', 'scan/b/IMG1.bmp')])).toEqual(['a/IMG1.bmp', 'b/IMG1.bmp']);
    expect(relativeNames([f('IMG1.bmp'), f('IMG2.bmp')])).toEqual(['IMG1.bmp', 'IMG2.bmp']);
  });
});

test('a worker given many requests ahead reads and decodes at most `concurrency` at once, in the order they came', async () => {
  const W = 4;
  const H = 2;
  const bytes = writeBmp({ width: W, height: H, bitCount: 24, rgb: new Uint8Array(W * H * 3).fill(90) });
  let reading = 0;
  let most = 0;
  const started: number[] = [];
  const pending: Array<() => void> = [];
  // a reader whose reads finish only when the test lets them
  const reader = async (source: unknown) => {
    started.push(Number(source));
    reading++;
    most = Math.max(most, reading);
    await new Promise<void>(resolve => pending.push(resolve));
    reading--;
    return bytes;
  };
  const replies: number[] = [];
  const scope: WorkerScopeLike = {
    onmessage: null,
    postMessage: m => {
      expect((m as { ok: boolean }).ok).toBe(true); // decoded, not failed
      replies.push((m as { index: number }).index);
    },
  };
  serveSliceRequests(scope, reader, 3);
  const request = (k: number) => ({ index: k, source: String(k), page: 0, file: `s${k}.bmp`, width: W, height: H, bitDepth: 8 as const, crop: { x: 0, y: 0, width: W, height: H }, downsample: 1 as const });
  for (let k = 0; k < 10; k++) scope.onmessage!({ data: request(k) });
  const settle = () => new Promise(r => setTimeout(r, 0));
  await settle();
  expect(started).toEqual([0, 1, 2]); // three at once, the first three
  while (replies.length < 10) {
    pending.shift()?.();
    await settle();
  }
  expect(most).toBe(3);
  expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(replies).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
