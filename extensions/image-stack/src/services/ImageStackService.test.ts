import { voxelHistogram, windowFromVoxels, type StackGeometry, type VoxelStack } from '@imagestack/core';
import { ImageStackService } from './ImageStackService';

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
