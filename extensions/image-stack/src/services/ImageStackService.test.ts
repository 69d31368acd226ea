import { ImageStackError, voxelHistogram, windowFromVoxels, type StackGeometry, type VoxelStack } from '@imagestack/core';
import { ImageStackService, stillLoading } from './ImageStackService';

const geometry: StackGeometry = { pixelSpacingXMm: 0.8, pixelSpacingYMm: 0.9, sliceSpacingMm: 1.3, originMm: [-86, -95, -97], orientation: [1, 0, 0, 0, 1, 0] };
// 4 × 3 × 2 voxels, values spread over 0..230
const voxels = Uint8Array.from({ length: 24 }, (_, i) => (i * 10) % 240);
const stack = { columns: 4, rows: 3, slices: 2, voxels, bitsStored: 8, sliceNames: ['a.bmp', 'b.bmp'] } as unknown as VoxelStack;

test('addStack takes the histogram the decode counted, and counts it itself without one', () => {
  const service = new ImageStackService();
  expect(service.addStack(stack, geometry, 'counted here').window).toEqual(windowFromVoxels(voxels));
  // a histogram of as many values, all 200: its window, so the given one is what is used
  const given = new Float64Array(256);
  given[200] = voxels.length;
  const w = service.addStack(stack, geometry, 'counted by the workers', [], { histogram: given }).window;
  expect(w).not.toEqual(windowFromVoxels(voxels));
  expect(service.latest()!.histogram).toBe(given);
});

test('a histogram of another volume (a stale one) is refused, not used for the window', () => {
  const service = new ImageStackService();
  expect(() => service.addStack(stack, geometry, 'stale', [], { histogram: voxelHistogram(voxels.subarray(4)) })).toThrow(/counts 20 values, the stack holds 24/);
});

test("the decode's slice ranges are kept for the image loader when there is one [min, max] per slice", () => {
  const service = new ImageStackService();
  const ranges = Int32Array.from([0, 70, 120, 230]);
  expect(service.addStack(stack, geometry, 'ranges', [], { sliceRanges: ranges }).sliceRanges).toBe(ranges);
  expect(service.addStack(stack, geometry, 'too few', [], { sliceRanges: ranges.subarray(0, 2) }).sliceRanges).toBeUndefined();
});

/** A streamed load the test ends by hand. */
function streaming(total: number) {
  let end!: (r: { histogram: Float64Array; sliceRanges: Int32Array; notes: string[] }) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<{ histogram: Float64Array; sliceRanges: Int32Array; notes: string[] }>((resolve, reject) => {
    end = resolve;
    fail = reject;
  });
  let cancelled = 0;
  return { source: { done, sliceReady: async () => undefined, progress: () => ({ done: 1, total }), cancel: () => void cancelled++ }, end, fail, cancelled: () => cancelled };
}

test('a streamed load: the first window from the first slices, then the whole volume’s in the series and its records', async () => {
  const service = new ImageStackService();
  const first = new Float64Array(256);
  first[200] = 12; // half the voxels: a first window, not the whole volume's
  const s = streaming(2);
  const changes: number[] = [];
  service.subscribe(() => changes.push(changes.length));
  const series = service.addStack(stack, geometry, 'streamed', [], { histogram: first, streaming: s.source });
  expect(series.loading).toBeDefined();
  expect(series.window).not.toEqual(windowFromVoxels(voxels));
  series.loading!.cancel();
  expect(s.cancelled()).toBe(1);
  const whole = voxelHistogram(voxels);
  s.end({ histogram: whole, sliceRanges: Int32Array.from([0, 110, 120, 230]), notes: ['1 duplicate slice(s)'] });
  await new Promise(r => setTimeout(r, 0));
  expect(series.loading).toBeUndefined();
  expect(series.histogram).toBe(whole);
  expect(series.window).toEqual(windowFromVoxels(voxels));
  // the viewer's records (the metadata store holds these objects) say the same window as a stack loaded whole
  const whole2 = new ImageStackService().addStack(stack, geometry, 'whole');
  expect(series.instances.map(r => [r.WindowCenter, r.WindowWidth])).toEqual(whole2.instances.map(r => [r.WindowCenter, r.WindowWidth]));
  expect(Array.from(series.sliceRanges!)).toEqual([0, 110, 120, 230]);
  expect(series.notes).toEqual(['1 duplicate slice(s)']);
  expect(changes.length).toBe(2); // added, then loaded
});

test('a streamed load that fails keeps the series unusable and says why and what to do', async () => {
  const service = new ImageStackService();
  const s = streaming(40);
  const series = service.addStack(stack, geometry, 'streamed', [], { histogram: voxelHistogram(voxels), streaming: s.source });
  expect(stillLoading(series.loading!).message).toBe('the slices are still loading (1 of 40): thresholding, refining and export start when all are in');
  s.fail(new ImageStackError('corrupt', 'the pixel data ends early', 'slice_036.bmp'));
  await new Promise(r => setTimeout(r, 0));
  expect(series.loading?.error).toBeInstanceOf(ImageStackError);
  expect(stillLoading(series.loading!).message).toMatch(/^the slices did not all load \(slice_036\.bmp: the pixel data ends early\): this volume is incomplete; load the stack again from the import page$/);
  const cancelled = streaming(40);
  const other = service.addStack(stack, geometry, 'cancelled', [], { histogram: voxelHistogram(voxels), streaming: cancelled.source });
  cancelled.fail(new ImageStackError('cancelled', 'reading the stack was cancelled'));
  await new Promise(r => setTimeout(r, 0));
  expect(stillLoading(other.loading!)).toMatchObject({ code: 'cancelled' });
  // a new stack lets a streaming one go, and stops its decode
  const streamingStill = streaming(40);
  service.addStack(stack, geometry, 'streaming', [], { histogram: voxelHistogram(voxels), streaming: streamingStill.source });
  service.addStack(stack, geometry, 'the next one');
  expect(streamingStill.cancelled()).toBe(1);
  expect(stillLoading(other.loading!).message).toMatch(/^loading the slices was cancelled: /);
});
