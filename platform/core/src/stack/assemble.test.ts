import { ImageStackError } from '../errors';
import type { ImageHeader } from '../decode/types';
import { createStackAssembler, sliceRequests } from './assemble';
import { hashPixels } from './hash';
import { planStack, type StackFileInfo } from './plan';
import { sliceView } from './types';
import { voxelHistogram } from '../dicom/window';

const header: ImageHeader = { format: 'png', width: 3, height: 2, channels: 1, bitDepth: 8, pages: 1, detail: 'PNG 8-bit grey' };
const file = (name: string): StackFileInfo => ({ name, source: name, size: 1, header });
const files = ['s_10.png', 's_11.png', 's_14.png'].map(file);

/** What a worker would return for slice `index`: every voxel = `value`. */
function result(index: number, value: number) {
  const voxels = new Uint8Array(6).fill(value);
  return { index, voxels, colouredPixels: 0, pixels: 6, hash: hashPixels(voxels) };
}

test('a gapped stack needs a policy before a volume is built; statistics alone do not', () => {
  const plan = planStack(files);
  expect(() => createStackAssembler(plan)).toThrow(ImageStackError);
  expect(() => createStackAssembler(plan)).toThrow(/slice numbers 12–13 \(2 slices\) are missing \(after s_11\.png\): choose 'fill'/);
  expect(() => createStackAssembler(plan, { keepVoxels: false })).not.toThrow();
  expect(() => createStackAssembler(planStack(files, { gapPolicy: 'continuous' }))).not.toThrow();
});

test('fill: the missing slices are interpolated from their neighbours at their numbered places and reported', () => {
  const plan = planStack(files, { gapPolicy: 'fill' });
  const requests = sliceRequests(plan);
  // Only the files are decoded; each request says where its slice goes in the volume.
  expect(requests.map(r => [r.file, r.index])).toEqual([
    ['s_10.png', 0],
    ['s_11.png', 1],
    ['s_14.png', 4],
  ]);
  const a = createStackAssembler(plan);
  a.add(result(4, 200));
  a.add(result(0, 7));
  a.add(result(1, 20));
  const { stack, report } = a.finish();
  expect(stack!.slices).toBe(5);
  expect([0, 1, 2, 3, 4].map(k => sliceView(stack!, k)[0])).toEqual([7, 20, 80, 140, 200]);
  expect(stack!.filledSlices).toEqual([2, 3]);
  expect(stack!.sliceNames).toEqual(['s_10.png', 's_11.png', 's_12.png (interpolated)', 's_13.png (interpolated)', 's_14.png']);
  expect(report.filled).toEqual([
    { slice: 's_12.png (interpolated)', index: 2, between: ['s_11.png', 's_14.png'], weight: 1 / 3 },
    { slice: 's_13.png (interpolated)', index: 3, between: ['s_11.png', 's_14.png'], weight: 2 / 3 },
  ]);
  expect(report).toMatchObject({ slices: 5, gapPolicy: 'fill', duplicates: [] });
});

test('continuous: the files only, as many slices as files, nothing filled', () => {
  const plan = planStack(files, { gapPolicy: 'continuous' });
  const a = createStackAssembler(plan);
  sliceRequests(plan).forEach(r => a.add(result(r.index, r.index)));
  const { stack, report } = a.finish();
  expect(stack!.slices).toBe(3);
  expect(stack!.filledSlices).toBeUndefined();
  expect(report.filled).toEqual([]);
  expect(report.gapPolicy).toBe('continuous');
});

test('requests carry the orientation only when it changes something', () => {
  expect(sliceRequests(planStack([file('a.png')]))[0].orient).toBeUndefined();
  expect(sliceRequests(planStack([file('a.png')], { orient: { flip: 'columns' } }))[0].orient).toEqual({ flip: 'columns', rotate: 0 });
});

test("with the histogram, each slice's value range: from the worker's histogram, from the voxels without one, and of each filled slice", () => {
  const plan = planStack(files, { gapPolicy: 'fill' });
  const a = createStackAssembler(plan, { histogram: true });
  const slice = (index: number, values: number[], counted: boolean) => {
    const voxels = Uint8Array.from(values);
    return { index, voxels, colouredPixels: 0, pixels: 6, hash: hashPixels(voxels), ...(counted ? { histogram: voxelHistogram(voxels) } : {}) };
  };
  a.add(slice(0, [9, 3, 250, 17, 3, 40], true));
  a.add(slice(1, [0, 0, 0, 0, 0, 0], false));
  a.add(slice(4, [100, 101, 102, 103, 104, 255], true));
  const { stack, histogram, sliceRanges } = a.finish();
  const naive = [0, 1, 2, 3, 4].flatMap(k => {
    const v = Array.from(sliceView(stack!, k));
    return [Math.min(...v), Math.max(...v)];
  });
  expect(Array.from(sliceRanges!)).toEqual(naive);
  expect(naive.slice(0, 4)).toEqual([3, 250, 0, 0]);
  expect(Array.from(histogram!)).toEqual(Array.from(voxelHistogram(stack!.voxels)));
  // without the histogram asked for, neither
  expect(createStackAssembler(plan).sliceRanges).toBeNull();
});
