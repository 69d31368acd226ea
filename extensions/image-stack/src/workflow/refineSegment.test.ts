import { voxelVolumeMl } from '@imagestack/core';
import { GEOMETRY, inProcess, memoryHost, paintBall } from '../../testing/workflowFakes';
import { refineSegment, segmentPieces, undoRefine } from './refineSegment';
import { createWorkflowState, segmentHistory, UNDO_DEPTH } from './workflowState';

const dims: [number, number, number] = [24, 16, 12];
const target = { dims, geometry: GEOMETRY };

/** Segment 1: two separate balls; segment 2: a single voxel elsewhere. */
function twoBalls() {
  const h = memoryHost(dims);
  h.host.createLabelmap({ index: 1, label: 'air' });
  h.host.addSegment('seg-1', { index: 2, label: 'other' });
  h.host.setActiveSegment('seg-1', 1);
  paintBall(h.labelmap, dims[0], [5, 7, 5], 3, 1);
  paintBall(h.labelmap, dims[0], [17, 7, 6], 2, 1);
  h.labelmap[11][0] = 2;
  return h;
}

describe('refineSegment', () => {
  it('keeps the piece under a voxel, reports volumes before and after in mL, and leaves other segments alone', async () => {
    const { host, count } = twoBalls();
    const state = createWorkflowState();
    const big = count(1);
    const r = await refineSegment(host, target, state, { step: { op: 'keepIslandAt', voxel: [17, 7, 6] } }, inProcess);
    const small = count(1);
    expect(small).toBeLessThan(big);
    expect(r.segmentIndex).toBe(1);
    expect(r.volumeBefore_mL).toBeCloseTo(big * voxelVolumeMl(GEOMETRY), 12);
    expect(r.volume_mL).toBeCloseTo(small * voxelVolumeMl(GEOMETRY), 12);
    expect(count(2)).toBe(1);
    expect(segmentHistory(state, 'seg-1', 1).map(s => s.op)).toEqual(['keepIslandAt']);
  });

  it('undo puts the segment back voxel for voxel and forgets the step', async () => {
    const { host, labelmap } = twoBalls();
    const state = createWorkflowState();
    const before = labelmap.map(s => s.slice());
    await refineSegment(host, target, state, { step: { op: 'hollow', mm: 1.5, side: 'outside' } }, inProcess);
    expect(labelmap.some((s, k) => s.some((v, i) => v !== before[k][i]))).toBe(true);
    const u = undoRefine(host, target, state);
    expect(u.undid).toMatch(/hollow, 1.5 mm wall outside/);
    labelmap.forEach((s, k) => expect(Array.from(s)).toEqual(Array.from(before[k])));
    expect(segmentHistory(state, 'seg-1', 1)).toEqual([]);
    expect(() => undoRefine(host, target, state)).toThrow(/nothing to undo/);
  });

  it(`keeps at most ${UNDO_DEPTH} undo steps`, async () => {
    const { host } = twoBalls();
    const state = createWorkflowState();
    for (let i = 0; i < UNDO_DEPTH + 2; i++) await refineSegment(host, target, state, { step: { op: 'largestIsland' } }, inProcess);
    expect(state.undo).toHaveLength(UNDO_DEPTH);
  });

  it('a grown wall never takes another segment’s voxels', async () => {
    const { host, labelmap, count } = twoBalls();
    labelmap[5][7 * dims[0] + 9] = 2; // just outside the first ball (radius 3 at column 5)
    await refineSegment(host, target, createWorkflowState(), { step: { op: 'margin', mm: 2 } }, inProcess);
    expect(labelmap[5][7 * dims[0] + 9]).toBe(2);
    expect(count(2)).toBe(2);
  });

  it('counts pieces for the removal preview, largest first', async () => {
    const { host } = twoBalls();
    const { volumesMl } = await segmentPieces(host, target, {}, inProcess);
    expect(volumesMl).toHaveLength(2);
    expect(volumesMl[0]).toBeGreaterThan(volumesMl[1]);
  });

  it('says what to do when there is nothing to refine', async () => {
    const empty = memoryHost(dims);
    await expect(refineSegment(empty.host, target, createWorkflowState(), { step: { op: 'largestIsland' } }, inProcess)).rejects.toThrow(/no segment yet: threshold the volume or draw/);
    const { host } = twoBalls();
    await expect(refineSegment(host, target, createWorkflowState(), { step: { op: 'largestIsland' }, segmentIndex: 9 }, inProcess)).rejects.toThrow(/no segment 9/);
    host.addSegment('seg-1', { index: 3, label: 'blank' });
    await expect(refineSegment(host, target, createWorkflowState(), { step: { op: 'largestIsland' } }, inProcess)).rejects.toThrow(/segment 3 "blank" is empty/);
  });

  it('a keep-island voxel on background is refused with the reason', async () => {
    const { host, count } = twoBalls();
    await expect(refineSegment(host, target, createWorkflowState(), { step: { op: 'keepIslandAt', voxel: [0, 15, 0] } }, inProcess)).rejects.toThrow(/not in the segment/);
    expect(count(1)).toBeGreaterThan(0);
  });
});
