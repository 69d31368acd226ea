import { captureSegmentation, remapSegmentationId, restoreSegmentation, type LabelmapPort } from './segmentationSnapshot';

/** An in-memory viewer: one labelmap of `slices` slices of `n` voxels, made the way OHIF makes them (first segment, then others). */
function memoryPort(slices: number, n: number) {
  const labelmaps = new Map<string, { segments: Array<{ index: number; label: string }>; data: Uint8Array[] }>();
  const modified: Array<{ id: string; slices: number[]; segment: number }> = [];
  let next = 0;
  const port: LabelmapPort = {
    findLabelmap: () => [...labelmaps.keys()][0],
    async createLabelmap(first) {
      const id = `seg-${++next}`;
      labelmaps.set(id, { segments: [first], data: Array.from({ length: slices }, () => new Uint8Array(n)) });
      return id;
    },
    segments: id => labelmaps.get(id)!.segments,
    addSegment: (id, s) => void labelmaps.get(id)!.segments.push(s),
    slices: id => labelmaps.get(id)!.data,
    dataModified: (id, sliceIndices, segment) => void modified.push({ id, slices: sliceIndices, segment }),
  };
  return { port, labelmaps, modified };
}

describe('saving and restoring the labelmap', () => {
  it('nothing to save without a labelmap', async () => {
    expect(await captureSegmentation(memoryPort(3, 4).port)).toBeUndefined();
  });

  it('captures every slice as runs with per-segment counts, and a restore writes back the same voxels', async () => {
    const a = memoryPort(5, 64);
    const id = await a.port.createLabelmap({ index: 1, label: 'Skull' });
    a.port.addSegment(id, { index: 2, label: 'Airway' });
    const data = a.port.slices(id);
    data[1].fill(1, 10, 30);
    data[3].fill(2, 0, 64);
    data[4][63] = 1;
    let pauses = 0;
    const saved = (await captureSegmentation(a.port, { pause: async () => void pauses++, slicesPerPause: 2 }))!;
    expect(pauses).toBe(2); // before slices 2 and 4: the page breathes between batches
    expect(saved.segmentationId).toBe(id);
    expect(saved.segments).toEqual([{ index: 1, label: 'Skull' }, { index: 2, label: 'Airway' }]);
    expect(saved.sliceRuns.map(r => r === null)).toEqual([true, false, true, false, false]);
    expect(saved.voxelCounts).toEqual({ 1: 21, 2: 64 });

    // a structured clone, as IndexedDB stores it
    const stored = structuredClone(saved);
    const b = memoryPort(5, 64);
    const restored = await restoreSegmentation(b.port, stored);
    expect(restored.voxelCounts).toEqual({ 1: 21, 2: 64 });
    expect(b.port.segments(restored.segmentationId)).toEqual(saved.segments);
    expect(b.port.slices(restored.segmentationId)).toEqual(data);
    // the viewer is told which slices changed, for each segment
    expect(b.modified).toEqual([
      { id: restored.segmentationId, slices: [1, 3, 4], segment: 1 },
      { id: restored.segmentationId, slices: [1, 3, 4], segment: 2 },
    ]);
  });

  it('refuses a saved labelmap of another slice count', async () => {
    const a = memoryPort(4, 8);
    await a.port.createLabelmap({ index: 1, label: 'x' });
    a.port.slices(a.port.findLabelmap()!)[0][0] = 1;
    const saved = (await captureSegmentation(a.port))!;
    await expect(restoreSegmentation(memoryPort(5, 8).port, saved)).rejects.toThrow(/4 slices, the series 5/);
  });

  it('renames the segmentation id in the workflow state, and leaves other shapes alone', () => {
    const w = { history: { 'old:1': [{ op: 'threshold' }], 'other:2': [] }, undo: [{ segmentationId: 'old', segmentIndex: 1 }, { segmentationId: 'x' }] };
    expect(remapSegmentationId(w, 'old', 'new')).toEqual({
      history: { 'new:1': [{ op: 'threshold' }], 'other:2': [] },
      undo: [{ segmentationId: 'new', segmentIndex: 1 }, { segmentationId: 'x' }],
    });
    expect(remapSegmentationId(undefined, 'a', 'b')).toBeUndefined();
    expect(remapSegmentationId([1, 2], 'a', 'b')).toEqual([1, 2]);
  });
});
