import type { ImageHeader } from '../decode/types';
import { ImageStackError } from '../errors';
import { planStack, type StackFileInfo } from './plan';

const bmp = (w = 640, h = 480): ImageHeader => ({ format: 'bmp', width: w, height: h, channels: 3, bitDepth: 8, pages: 1, detail: 'BMP 24-bit' });
const file = (name: string, header: ImageHeader | null = bmp(), skipReason?: string): StackFileInfo => ({ name, source: `/in/${name}`, size: 1, header, skipReason });

function thrown(fn: () => unknown): ImageStackError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ImageStackError);
    return e as ImageStackError;
  }
  throw new Error('did not throw');
}

test('natural order, reverse, skipped non-images and gaps', () => {
  const files = [file('IMG (10).bmp'), file('IMG (2).bmp'), file('Thumbs.db', null, 'Windows thumbnail cache'), file('IMG (1).bmp'), file('IMG (4).bmp')];
  const p = planStack(files);
  expect(p.slices.map(s => s.name)).toEqual(['IMG (1).bmp', 'IMG (2).bmp', 'IMG (4).bmp', 'IMG (10).bmp']);
  expect(p.slices[0]).toMatchObject({ file: 'IMG (1).bmp', source: '/in/IMG (1).bmp', page: 0 });
  expect(p.skipped).toEqual([{ name: 'Thumbs.db', reason: 'Windows thumbnail cache' }]);
  expect(p.gaps.map(g => g.missing)).toEqual([[3], [5, 6, 7, 8, 9]]);
  expect(p).toMatchObject({ files: 4, width: 640, height: 480, columns: 640, rows: 480, bitDepth: 8, format: 'bmp', memoryBytes: 640 * 480 * 4 });
  expect(planStack(files, { reverse: true }).slices.map(s => s.name)).toEqual(['IMG (10).bmp', 'IMG (4).bmp', 'IMG (2).bmp', 'IMG (1).bmp']);
});

test('a multi-page TIFF is one slice per page, named file#page (1-based)', () => {
  const tif: ImageHeader = { format: 'tiff', width: 8, height: 8, channels: 1, bitDepth: 16, pages: 3, detail: 'TIFF 16-bit grey LZW, 3 pages' };
  const p = planStack([file('ct.tif', tif)]);
  expect(p.slices.map(s => [s.name, s.page])).toEqual([['ct.tif#1', 0], ['ct.tif#2', 1], ['ct.tif#3', 2]]);
  expect(p.memoryBytes).toBe(8 * 8 * 3 * 2);
  expect(p.files).toBe(1);
});

test('the odd-sized or odd-depth file is named, whatever its position', () => {
  const e = thrown(() => planStack([file('a1.bmp'), file('a2.bmp', bmp(641, 480)), file('a3.bmp')]));
  expect(e.code).toBe('mismatch');
  expect(e.message).toMatch(/^a2\.bmp: is 641 × 480 8-bit, but the other slices are 640 × 480 8-bit/);
  const first = thrown(() => planStack([file('a1.bmp', bmp(10, 10)), file('a2.bmp'), file('a3.bmp')]));
  expect(first.file).toBe('a1.bmp');
  const png16: ImageHeader = { ...bmp(), format: 'png', bitDepth: 16, detail: 'PNG 16-bit grey' };
  expect(thrown(() => planStack([file('b1.png', png16), file('b2.png', png16), file('b3.bmp')])).file).toBe('b3.bmp');
});

test('crop and downsample shape the volume and its memory; bad crops are refused', () => {
  const p = planStack([file('1.bmp'), file('2.bmp')], { crop: [10, 20, 101, 51], downsample: 2 });
  expect(p).toMatchObject({ crop: { x: 10, y: 20, width: 101, height: 51 }, downsample: 2, columns: 50, rows: 25, memoryBytes: 50 * 25 * 2 });
  expect(thrown(() => planStack([file('1.bmp')], { crop: [600, 0, 100, 10] })).code).toBe('bad-argument');
  expect(thrown(() => planStack([file('1.bmp')], { downsample: 3 as 2 })).code).toBe('bad-argument');
});

test('a stack too large for memory is refused from the headers, with a way out', () => {
  const many = Array.from({ length: 330 }, (_, i) => file(`s${i}.bmp`, bmp(1920, 1080)));
  const e = thrown(() => planStack(many, { maxVolumeBytes: 500 * 2 ** 20 }));
  expect(e.code).toBe('too-large');
  expect(e.message).toMatch(/330 slices of 1920 × 1080 8-bit need 653 MiB, more than the 500 MiB allowed; crop, or downsample by 2 \(about 163 MiB\)/);
  expect(planStack(many, { maxVolumeBytes: 500 * 2 ** 20, downsample: 2 }).memoryBytes).toBe(960 * 540 * 330);
});

test('nothing to stack is an "empty" error', () => {
  expect(thrown(() => planStack([])).code).toBe('empty');
  expect(thrown(() => planStack([file('notes.txt', null, 'text file')])).message).toMatch(/no BMP, PNG, JPEG or TIFF images among 1 file/);
});

test('gapPolicy fill inserts the missing numbers as filled slices, in their places, and counts their memory', () => {
  const files = [file('img_1.bmp'), file('img_2.bmp'), file('img_5.bmp'), file('img_6.bmp')];
  const plain = planStack(files);
  expect(plain.slices).toHaveLength(4);
  expect(plain.gapPolicy).toBeUndefined();
  const p = planStack(files, { gapPolicy: 'fill' });
  expect(p.gapPolicy).toBe('fill');
  expect(p.slices.map(s => s.name)).toEqual(['img_1.bmp', 'img_2.bmp', 'img_3.bmp (interpolated)', 'img_4.bmp (interpolated)', 'img_5.bmp', 'img_6.bmp']);
  expect(p.slices[2].fill).toMatchObject({ number: 3, from: 1, to: 4, weight: 1 / 3 });
  expect(p.slices[3].fill).toMatchObject({ number: 4, from: 1, to: 4, weight: 2 / 3 });
  expect(p.memoryBytes).toBe(640 * 480 * 6);
  const r = planStack(files, { gapPolicy: 'fill', reverse: true });
  expect(r.slices.map(s => s.name)).toEqual(['img_6.bmp', 'img_5.bmp', 'img_4.bmp (interpolated)', 'img_3.bmp (interpolated)', 'img_2.bmp', 'img_1.bmp']);
  expect(r.slices[2].fill).toMatchObject({ from: 1, to: 4, weight: 1 / 3 });
  expect(planStack(files, { gapPolicy: 'continuous' }).slices).toHaveLength(4);
});

test('an orientation with a quarter turn swaps the volume columns and rows', () => {
  const p = planStack([file('1.bmp'), file('2.bmp')], { crop: [10, 20, 101, 51], downsample: 2, orient: { rotate: 90 } });
  expect(p).toMatchObject({ columns: 25, rows: 50, orient: { flip: 'none', rotate: 90 } });
  expect(planStack([file('1.bmp')], { orient: { flip: 'rows' } })).toMatchObject({ columns: 640, rows: 480, orient: { flip: 'rows', rotate: 0 } });
  expect(thrown(() => planStack([file('1.bmp')], { orient: { rotate: 45 as 90 } })).code).toBe('bad-argument');
});
