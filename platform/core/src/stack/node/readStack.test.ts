// readStack end to end on folders written at test time, decoding in real worker_threads
// (the compiled worker in platform/core/dist: run `npx tsc -b` first) and on this thread.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeBmp } from '../../../../../tests/fixtures/images/bmpWriter';
import { magick, tempDir } from '../../../../../tests/fixtures/images/magick';
import { decodeImage } from '../../decode/decodeImage';
import { voxelHistogram } from '../../dicom/window';
import { orientSlice } from '../../geometry/orientSlice';
import { sliceView } from '../types';
import { createDecodePool } from '../pool';
import { inspectStack, readStack } from './readStack';
import { spawnNodeWorker } from './spawnNodeWorker';

const tmp = tempDir('imagestack-stack-');

/** The histogram readStack counted while decoding is the one of the volume it returns. */
function expectVolumeHistogram(r: { stack: { voxels: Uint8Array | Uint16Array }; histogram: Float64Array }): void {
  expect(Buffer.from(r.histogram.buffer).equals(Buffer.from(voxelHistogram(r.stack.voxels).buffer))).toBe(true);
}
afterAll(() => tmp.cleanup());
const W = 40;
const H = 30;

/** Slice k: a grey ramp shifted by k, with a red mark in the top-left corner on odd slices. */
function sliceRgb(k: number): Uint8Array {
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const v = (x * 5 + y * 3 + k * 7) & 255;
      rgb.set(k % 2 && x < 4 && y < 3 ? [250, 10, 10] : [v, v, v], i);
    }
  return rgb;
}

function folder(name: string, numbers: number[], extra: (dir: string) => void = () => {}): string {
  const dir = tmp.file(name);
  mkdirSync(dir);
  for (const k of numbers) writeFileSync(path.join(dir, `IMG (${k}).bmp`), writeBmp({ width: W, height: H, bitCount: 24, rgb: sliceRgb(k) }));
  extra(dir);
  return dir;
}

const main = folder('main', [1, 2, 3, 10, 11, 12], dir => {
  writeFileSync(path.join(dir, 'IMG (13).bmp'), writeBmp({ width: W, height: H, bitCount: 24, rgb: sliceRgb(3) })); // same pixels as 3
  writeFileSync(path.join(dir, 'notes.txt'), 'exported by the scanner\n');
  writeFileSync(path.join(dir, 'Thumbs.db'), Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
  const dicom = new Uint8Array(200);
  dicom.set([0x44, 0x49, 0x43, 0x4d], 128);
  writeFileSync(path.join(dir, 'DICOMDIR'), dicom);
  writeFileSync(path.join(dir, '.DS_Store'), new Uint8Array(10));
  mkdirSync(path.join(dir, 'thumbs'));
});

test('order, skipped files, gaps, duplicates, coloured fraction; 2 workers give the same volume as none', async () => {
  const single = await readStack([main], { gapPolicy: 'continuous', workers: 0, sharedMemory: false });
  const pooled = await readStack([main], { gapPolicy: 'continuous', workers: 2 });
  const { stack, report } = pooled;
  expect(Buffer.from(stack.voxels).equals(Buffer.from(single.stack.voxels))).toBe(true);
  // counted in the workers, and on this thread without them
  expectVolumeHistogram(pooled);
  expectVolumeHistogram(single);
  const order = ['IMG (1).bmp', 'IMG (2).bmp', 'IMG (3).bmp', 'IMG (10).bmp', 'IMG (11).bmp', 'IMG (12).bmp', 'IMG (13).bmp'];
  expect(report.order).toEqual(order);
  expect(stack.sliceNames).toEqual(order);
  expect(stack).toMatchObject({ columns: W, rows: H, slices: 7, bitsStored: 8 });
  expect(stack.voxels).toBeInstanceOf(Uint8Array);
  expect(report.skipped.map(s => s.name).sort()).toEqual(['.DS_Store', 'DICOMDIR', 'Thumbs.db', 'notes.txt', 'thumbs']);
  expect(report.skipped.find(s => s.name === 'Thumbs.db')!.reason).toMatch(/thumbnail/);
  expect(report.gaps).toEqual([{ after: 'IMG (3).bmp', before: 'IMG (10).bmp', missing: [4, 5, 6, 7, 8, 9], missingCount: 6, afterNumber: 3, beforeNumber: 10, step: 1 }]);
  expect(report.duplicates).toEqual([{ slice: 'IMG (13).bmp', sameAs: 'IMG (3).bmp' }]);
  // Odd slices 1, 3, 11, 13 carry a 4 × 3 red mark.
  expect(report.colouredSlices).toBe(4);
  expect(report.colouredFraction).toBeCloseTo((4 * 12) / (7 * W * H), 12);
  expect(report.memoryBytes).toBe(W * H * 7);
  // Slice 4 (IMG (10)) is the file's pixels, exactly: grey ramp, R = G = B.
  const ten = sliceView(stack, 3);
  expect(ten[0]).toBe((10 * 7) & 255);
  expect(ten[W * 2 + 5]).toBe((5 * 5 + 2 * 3 + 70) & 255);
});

test('with sharedMemory the workers write the volume in place; the result is the same', async () => {
  const plain = await readStack([main], { gapPolicy: 'continuous', workers: 2, crop: [1, 1, 36, 28], sharedMemory: false });
  const shared = await readStack([main], { gapPolicy: 'continuous', workers: 2, crop: [1, 1, 36, 28] }); // the default
  expect(shared.stack.voxels.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(plain.stack.voxels.buffer).toBeInstanceOf(ArrayBuffer);
  expect(Buffer.from(shared.stack.voxels).equals(Buffer.from(plain.stack.voxels))).toBe(true);
  expect(shared.report).toEqual(plain.report);
  const inline = await readStack([main], { gapPolicy: 'continuous', workers: 0, downsample: 2 });
  const inlinePlain = await readStack([main], { gapPolicy: 'continuous', workers: 0, downsample: 2, sharedMemory: false });
  expect(Buffer.from(inline.stack.voxels).equals(Buffer.from(inlinePlain.stack.voxels))).toBe(true);
});

test('reverse, crop and downsample are applied to the slices, before the volume is allocated', async () => {
  const { stack, report } = await readStack([main], { gapPolicy: 'continuous', workers: 2, reverse: true, crop: [5, 4, 21, 13], downsample: 2 });
  expect(report.order[0]).toBe('IMG (13).bmp');
  expect(stack).toMatchObject({ columns: 10, rows: 6, slices: 7 });
  expect(stack.voxels.length).toBe(10 * 6 * 7);
  expect(report.colouredFraction).toBe(0); // the red marks are outside the crop
  // Expected by hand from our own decode of IMG (2).bmp (slice 5 when reversed).
  const img = decodeImage(writeBmp({ width: W, height: H, bitCount: 24, rgb: sliceRgb(2) }), 'x');
  const s = sliceView(stack, 5);
  for (let y = 0; y < 6; y++)
    for (let x = 0; x < 10; x++) {
      let sum = 0;
      for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) sum += img.data[((4 + y * 2 + j) * W + 5 + x * 2 + i) * 3];
      expect(s[y * 10 + x]).toBe(Math.floor((sum + 2) / 4));
    }
});

test('inspectStack reports the same without keeping the volume', async () => {
  const report = await inspectStack([main], { workers: 1 });
  const { report: full } = await readStack([main], { gapPolicy: 'continuous', workers: 0 });
  delete (full as { gapPolicy?: unknown }).gapPolicy;
  expect(report).toEqual(full);
});

test('bad stacks fail with one line naming the file', async () => {
  const odd = folder('odd', [1, 2, 3], dir => writeFileSync(path.join(dir, 'IMG (4).bmp'), writeBmp({ width: W + 1, height: H, bitCount: 24, rgb: new Uint8Array((W + 1) * H * 3) })));
  await expect(readStack([odd], { workers: 2 })).rejects.toThrow(/^IMG \(4\)\.bmp: is 41 × 30 8-bit, but the other slices are 40 × 30 8-bit/);
  const empty = folder('zero', [1, 2], dir => writeFileSync(path.join(dir, 'IMG (3).bmp'), ''));
  await expect(readStack([empty], { workers: 2 })).rejects.toMatchObject({ code: 'empty', file: 'IMG (3).bmp' });
  const truncated = folder('truncated', [1, 2], dir => writeFileSync(path.join(dir, 'IMG (3).bmp'), writeBmp({ width: W, height: H, bitCount: 24, rgb: sliceRgb(3) }).subarray(0, 2000)));
  await expect(readStack([truncated], { workers: 2 })).rejects.toThrow(/^IMG \(3\)\.bmp: truncated/);
  const lying = folder('lying', [1, 2], dir => {
    const f = writeBmp({ width: W, height: H, bitCount: 24, rgb: sliceRgb(3) });
    new DataView(f.buffer).setInt32(18, 100000, true);
    new DataView(f.buffer).setInt32(22, 100000, true);
    writeFileSync(path.join(dir, 'IMG (3).bmp'), f);
  });
  await expect(readStack([lying], { workers: 2 })).rejects.toMatchObject({ code: 'too-large', file: 'IMG (3).bmp' });
  await expect(readStack([main], { gapPolicy: 'continuous', maxVolumeBytes: 1000 })).rejects.toMatchObject({ code: 'too-large' });
  await expect(readStack([tmp.file('nowhere')])).rejects.toMatchObject({ code: 'io' });
  const parent = tmp.file('parent');
  mkdirSync(parent);
  mkdirSync(path.join(parent, 'series 1'));
  await expect(readStack([parent])).rejects.toThrow(/no files given; subfolders are not read: give the folder "series 1" instead/);
});

test('cancelling stops the read with "cancelled"', async () => {
  const ac = new AbortController();
  const run = readStack([main], { gapPolicy: 'continuous', workers: 2, signal: ac.signal, onProgress: d => d === 2 && ac.abort() });
  await expect(run).rejects.toMatchObject({ code: 'cancelled' });
});

test('a multi-page 16-bit TIFF is a whole 16-bit stack; 16-bit PNG slices stay 16-bit', async () => {
  const dir = tmp.file('tiff');
  mkdirSync(dir);
  const tif = path.join(dir, 'ct.tif');
  magick('-size', '12x10', 'gradient:#000010002000-#ffffeeeedddd', '(', '+clone', '-negate', ')', '(', '+clone', '-flip', ')', '-colorspace', 'gray', '-depth', '16', '-compress', 'lzw', '-adjoin', tif);
  const { stack, report, histogram } = await readStack([tif], { workers: 2 });
  expect(stack).toMatchObject({ columns: 12, rows: 10, slices: 3, bitsStored: 16 });
  expect(stack.voxels).toBeInstanceOf(Uint16Array);
  expectVolumeHistogram({ stack, histogram });
  expect(histogram.length).toBe(65536);
  expect(report.order).toEqual(['ct.tif#1', 'ct.tif#2', 'ct.tif#3']);
  const pages = decodeImage(new Uint8Array(require('node:fs').readFileSync(tif)), tif).pages;
  pages.forEach((p, k) => expect(Array.from(sliceView(stack, k))).toEqual(Array.from(p.data)));

  const pngs = tmp.file('png16');
  mkdirSync(pngs);
  for (let k = 0; k < 3; k++) magick('-size', '9x7', `gradient:#${(k + 1).toString(16).padStart(4, '0')}00000000-#ffff0000ffff`, '-colorspace', 'gray', '-depth', '16', path.join(pngs, `p${k}.png`));
  const r16 = await readStack([pngs], { workers: 0 });
  expect(r16.stack.bitsStored).toBe(16);
  expect(Math.max(...r16.stack.voxels)).toBeGreaterThan(255);
});

test('files of the same name in two folders sort folder by folder, and the report says it mixed folders', async () => {
  const a = folder(path.join('mixed-a'), [1, 2, 10]);
  const b = folder(path.join('mixed-b'), [1, 2]);
  const report = await inspectStack([b, a]);
  expect(report.order).toEqual(['mixed-a/IMG (1).bmp', 'mixed-a/IMG (2).bmp', 'mixed-a/IMG (10).bmp', 'mixed-b/IMG (1).bmp', 'mixed-b/IMG (2).bmp']);
  expect(report.folders).toEqual(['mixed-a', 'mixed-b']);
  // the same pixels in both folders (a copied series): the report says so too
  expect(report.duplicates).toEqual([
    { slice: 'mixed-b/IMG (1).bmp', sameAs: 'mixed-a/IMG (1).bmp' },
    { slice: 'mixed-b/IMG (2).bmp', sameAs: 'mixed-a/IMG (2).bmp' },
  ]);
  // one folder: plain names, one folder reported
  expect((await inspectStack([a])).folders).toEqual(['']);
  expect((await inspectStack([a])).order[0]).toBe('IMG (1).bmp');
});

test('two inputs of the same folder name stay apart by their parents', async () => {
  const x = tmp.file('x');
  const y = tmp.file('y');
  mkdirSync(x);
  mkdirSync(y);
  const sx = folder(path.join('x', 'scan'), [1, 2]);
  const sy = folder(path.join('y', 'scan'), [1]);
  const report = await inspectStack([sy, sx]);
  expect(report.order).toEqual(['x/scan/IMG (1).bmp', 'x/scan/IMG (2).bmp', 'y/scan/IMG (1).bmp']);
  expect(report.folders).toEqual(['x/scan', 'y/scan']);
});

test('a gapped stack is refused without a gap policy, before any pixel is decoded', async () => {
  let decoded = 0;
  await expect(readStack([main], { workers: 0, onProgress: () => decoded++ })).rejects.toMatchObject({
    code: 'bad-argument',
    message: expect.stringMatching(/^slice numbers 4–9 \(6 slices\) are missing \(after IMG \(3\)\.bmp\): choose 'fill'/),
  });
  expect(decoded).toBe(0);
});

test('gaps filled: every file keeps its numbered place, the missing ones are interpolated (workers write in place)', async () => {
  const dir = folder('gapped', [1, 2, 3, 5, 6, 9]);
  for (const reverse of [false, true]) {
    const { stack, report, histogram } = await readStack([dir], { workers: 2, gapPolicy: 'fill', reverse });
    expect(stack.slices).toBe(9);
    // the decoded slices counted in the workers, the interpolated ones as they are made
    expectVolumeHistogram({ stack, histogram });
    // Slice k is number k + 1 (9 − k reversed): each file's pixels are where its number says.
    for (const n of [1, 2, 3, 5, 6, 9]) {
      const k = reverse ? 9 - n : n - 1;
      expect(stack.sliceNames[k]).toBe(`IMG (${n}).bmp`);
      const img = decodeImage(writeBmp({ width: W, height: H, bitCount: 24, rgb: sliceRgb(n) }), 'x');
      expect(sliceView(stack, k)[W + 7]).toBe(img.data[(W + 7) * 3]);
    }
    expect(report.filled.map(f => f.slice)).toEqual(reverse ? ['IMG (8).bmp (interpolated)', 'IMG (7).bmp (interpolated)', 'IMG (4).bmp (interpolated)'] : ['IMG (4).bmp (interpolated)', 'IMG (7).bmp (interpolated)', 'IMG (8).bmp (interpolated)']);
    // IMG (7) is a third of the way from 6 to 9.
    const k7 = reverse ? 2 : 6;
    const v6 = sliceView(stack, reverse ? 3 : 5)[W + 7];
    const v9 = sliceView(stack, reverse ? 0 : 8)[W + 7];
    expect(sliceView(stack, k7)[W + 7]).toBe(Math.round(v6 + (v9 - v6) / 3));
    expect(stack.filledSlices).toEqual(report.filled.map(f => f.index).sort((a, b) => a - b));
  }
});

test('flip and rotate are applied to each slice after crop and downsample, the same in workers and on this thread', async () => {
  const dir = folder('turned', [1, 2]);
  const plain = await readStack([dir], { workers: 0, crop: [2, 1, 30, 21], downsample: 2 });
  for (const orient of [{ rotate: 90 as const }, { flip: 'rows' as const, rotate: 270 as const }]) {
    const pooled = await readStack([dir], { workers: 2, crop: [2, 1, 30, 21], downsample: 2, orient });
    const inline = await readStack([dir], { workers: 0, crop: [2, 1, 30, 21], downsample: 2, orient, sharedMemory: false });
    expect(pooled.stack).toMatchObject({ columns: 10, rows: 15, slices: 2 });
    expect(Buffer.from(pooled.stack.voxels).equals(Buffer.from(inline.stack.voxels))).toBe(true);
    for (let k = 0; k < 2; k++) expect(Array.from(sliceView(pooled.stack, k))).toEqual(Array.from(orientSlice(sliceView(plain.stack, k) as Uint8Array, 15, 10, orient)));
    expect(pooled.report.orient).toEqual({ flip: orient.flip ?? 'none', rotate: orient.rotate });
  }
});

test('a worker thread counts the values of a slice when asked (the histogram comes back with the voxels)', async () => {
  const pool = createDecodePool({ workers: 1, spawn: spawnNodeWorker });
  try {
    const req = { index: 0, file: 'IMG (2).bmp', source: path.join(main, 'IMG (2).bmp'), page: 0, width: W, height: H, bitDepth: 8 as const, crop: { x: 0, y: 0, width: W, height: H }, downsample: 1 as const };
    const counted = await pool.decode({ ...req, histogram: true });
    // (from the worker's realm: instanceof this one's Float64Array would be false)
    expect(Object.prototype.toString.call(counted.histogram)).toBe('[object Float64Array]');
    expect(Array.from(counted.histogram!)).toEqual(Array.from(voxelHistogram(counted.voxels)));
    expect((await pool.decode(req)).histogram).toBeUndefined();
  } finally {
    pool.close();
  }
});
