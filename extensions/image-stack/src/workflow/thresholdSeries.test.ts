import { greyToHu, parseCaptureWindow, voxelVolumeMl } from '@imagestack/core';
import { GEOMETRY, memoryHost } from '../../testing/workflowFakes';
import { thresholdSeries } from './thresholdSeries';
import { createWorkflowState, segmentHistory } from './workflowState';

const dims: [number, number, number] = [6, 5, 4];
const n = dims[0] * dims[1] * dims[2];
// values 0..119 in voxel order: a threshold's count is the range's width
const source = { voxels: Uint8Array.from({ length: n }, (_, i) => i), columns: dims[0], rows: dims[1], slices: dims[2], geometry: GEOMETRY };

describe('thresholdSeries', () => {
  it('makes a labelmap whose first segment is named by its range, inclusive at both ends', async () => {
    const { host, count } = memoryHost(dims);
    const state = createWorkflowState();
    const r = await thresholdSeries(host, source, state, { lower: 10, upper: 39 });
    expect(r).toMatchObject({ segmentationId: 'seg-1', segmentIndex: 1, label: 'Threshold 10–39', voxels: 30 });
    expect(r.volume_mL).toBeCloseTo(30 * voxelVolumeMl(GEOMETRY), 12);
    expect(count(1)).toBe(30);
    expect(segmentHistory(state, 'seg-1', 1)).toEqual([{ op: 'threshold', lower: 10, upper: 39, voxels: 30, volume_mL: r.volume_mL }]);
  });

  it('a second threshold goes into a new segment and leaves the first one as it was', async () => {
    const { host, count } = memoryHost(dims);
    const state = createWorkflowState();
    await thresholdSeries(host, source, state, { lower: 100, upper: 119 });
    const air = await thresholdSeries(host, source, state, { lower: 0, upper: 40 });
    expect(air.segmentIndex).toBe(2);
    expect(host.segments('seg-1')).toEqual([
      { index: 1, label: 'Threshold 100–119' },
      { index: 2, label: 'Threshold 0–40' },
    ]);
    expect(count(1)).toBe(20);
    expect(count(2)).toBe(41);
    expect(host.activeSegment('seg-1')).toBe(2);
  });

  it('replaces an existing segment only when told to, and renames it to its new range', async () => {
    const { host, count } = memoryHost(dims);
    const state = createWorkflowState();
    await thresholdSeries(host, source, state, { lower: 100, upper: 119 });
    await expect(thresholdSeries(host, source, state, { lower: 0, upper: 9, into: 1 })).rejects.toThrow(/segment 1 "Threshold 100–119" would be replaced: confirm/);
    expect(count(1)).toBe(20);
    const r = await thresholdSeries(host, source, state, { lower: 0, upper: 9, into: 1, replace: true });
    expect(r.label).toBe('Threshold 0–9');
    expect(host.segments('seg-1')).toEqual([{ index: 1, label: 'Threshold 0–9' }]);
    expect(count(1)).toBe(10);
  });

  it('refuses an empty range and a segment that does not exist, in one line each', async () => {
    const { host } = memoryHost(dims);
    const state = createWorkflowState();
    await expect(thresholdSeries(host, source, state, { lower: 50, upper: 40 })).rejects.toThrow(/empty: the lower value must not be above the upper one/);
    await thresholdSeries(host, source, state, { lower: 0, upper: 1 });
    await expect(thresholdSeries(host, source, state, { lower: 0, upper: 1, into: 7, replace: true })).rejects.toThrow(/there is no segment 7/);
  });

  it('tells the viewer which slices changed, and only those', async () => {
    const { host, modified } = memoryHost(dims);
    await thresholdSeries(host, source, createWorkflowState(), { lower: 35, upper: 65 }); // slices 1 and 2 (30 voxels each)
    expect(modified).toEqual([{ slices: [1, 2], segmentIndex: 1 }]);
  });

  it('reports its progress by slices and yields to the page when it runs long, with the same result', async () => {
    const { host, count } = memoryHost(dims);
    // every clock reading is 150 ms later, so the loop reports and yields before every slice
    let t = 0;
    const now = jest.spyOn(performance, 'now').mockImplementation(() => (t += 150));
    const seen: Array<[number, number]> = [];
    try {
      const r = await thresholdSeries(host, source, createWorkflowState(), { lower: 10, upper: 39, onProgress: (d, total) => seen.push([d, total]) });
      expect(r.voxels).toBe(30);
    } finally {
      now.mockRestore();
    }
    expect(count(1)).toBe(30);
    expect(seen).toEqual([[0, 4], [1, 4], [2, 4], [3, 4], [4, 4]]);
  });

  it('with a capture window: the labelmap is still grey levels, the segment is named and recorded in approximate HU too', async () => {
    const { host, count } = memoryHost(dims);
    const state = createWorkflowState();
    const bone = parseCaptureWindow('bone');
    const r = await thresholdSeries(host, { ...source, captureWindow: bone }, state, { lower: 100, upper: 119 });
    expect(count(1)).toBe(20); // the same grey levels as without a window
    // grey 100 = 138.2 HU (shown rounded down), 119 = 250.0 HU (rounded up): the text selects the same levels
    expect(r.label).toBe('Threshold 138–250 HU');
    const [step] = segmentHistory(state, 'seg-1', 1);
    expect(step).toMatchObject({ op: 'threshold', lower: 100, upper: 119 });
    expect(step.op === 'threshold' && [step.lowerHu, step.upperHu]).toEqual([greyToHu(bone, 100), greyToHu(bone, 119)]);
  });
});
