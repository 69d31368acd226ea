import { greyToHu, parseCaptureWindow } from '@imagestack/core';
import { GEOMETRY, inProcess, memoryHost, paintBall } from '../../testing/workflowFakes';
import { exportSurface } from './exportSurface';
import { refineSegment } from './refineSegment';
import { thresholdSeries } from './thresholdSeries';
import { createWorkflowState } from './workflowState';

const dims: [number, number, number] = [20, 18, 14];
const series = { dims, geometry: GEOMETRY, description: 'CT head', sliceNames: ['a001.bmp', 'a002.bmp', 'a014.bmp'] };

describe('exportSurface', () => {
  it('names the file after the segment exported and records how the segment was made', async () => {
    const { host, labelmap } = memoryHost(dims);
    const state = createWorkflowState();
    const n = dims[0] * dims[1] * dims[2];
    const voxels = new Uint8Array(n);
    paintBall(Array.from({ length: dims[2] }, (_, k) => voxels.subarray(k * dims[0] * dims[1], (k + 1) * dims[0] * dims[1])), dims[0], [10, 9, 7], 5, 30);
    await thresholdSeries(host, { voxels, columns: dims[0], rows: dims[1], slices: dims[2], geometry: GEOMETRY }, state, { lower: 20, upper: 40 });
    await refineSegment(host, { dims, geometry: GEOMETRY }, state, { step: { op: 'fillHoles', mode: '3d' } }, inProcess);
    expect(labelmap.some(s => s.includes(1))).toBe(true);
    const r = await exportSurface(host, series, state, { smoothIterations: 0 }, inProcess);
    expect(r.fileName).toBe('CT head - Threshold 20–40.stl');
    expect(r.sidecarName).toBe('CT head - Threshold 20–40.json');
    expect(r.segmentIndex).toBe(1);
    expect(r.stats.watertight).toBe(true);
    const sidecar = JSON.parse(r.sidecar);
    const ops = sidecar.operations.map((o: { op: string }) => o.op);
    expect(ops.slice(0, 3)).toEqual(['segment', 'threshold', 'fillHoles']);
    expect(sidecar.operations[1]).toMatchObject({ lower: 20, upper: 40 });
    expect(r.stl.byteLength).toBe(84 + 50 * r.stats.triangles);

    // the import's calibration, orientation and gaps go into the sidecar as given; none when not given
    expect(sidecar.calibration).toBeUndefined();
    const provenance = {
      calibration: { method: 'ticks' as const, lines: [{ x0: 1, y0: 2, x1: 300, y1: 2, lengthMm: 50 }], uncertaintyPct: 0.2, ticks: 6, residualPx: 0.1 },
      orientation: { flip: 'rows' as const, rotate: 0 as const },
      gaps: { policy: 'fill' as const, missing: 1, filled: ['a013.bmp (interpolated)'] },
    };
    const recorded = JSON.parse((await exportSurface(host, { ...series, provenance }, state, {}, inProcess)).sidecar);
    expect(recorded.calibration).toEqual(provenance.calibration);
    expect(recorded.orientation).toMatchObject({ flip: 'rows', rotate: 0, mirrorsCapture: true });
    expect(recorded.gaps).toEqual(provenance.gaps);
    // the threshold that made the segment, in grey levels; no capture window: no HU anywhere
    expect(recorded.threshold).toEqual([20, 40]);
    expect(recorded.captureWindow).toBeUndefined();

    // renamed in OHIF's list: the next export carries the new name
    host.renameSegment('seg-1', 1, 'airway');
    expect((await exportSurface(host, series, state, {}, inProcess)).fileName).toBe('CT head - airway.stl');
  });

  it('refuses an empty segment instead of writing an empty file', async () => {
    const { host } = memoryHost(dims);
    await host.createLabelmap({ index: 1, label: 'nothing' });
    await expect(exportSurface(host, series, createWorkflowState(), {}, inProcess)).rejects.toThrow(/segment 1 "nothing" is empty: nothing to export/);
  });

  it('with a capture window the sidecar records the grey threshold and its approximate HU, and the HU step', async () => {
    const { host } = memoryHost(dims);
    const state = createWorkflowState();
    const bone = parseCaptureWindow('bone');
    const voxels = new Uint8Array(dims[0] * dims[1] * dims[2]);
    paintBall(Array.from({ length: dims[2] }, (_, k) => voxels.subarray(k * dims[0] * dims[1], (k + 1) * dims[0] * dims[1])), dims[0], [10, 9, 7], 5, 200);
    await thresholdSeries(host, { voxels, columns: dims[0], rows: dims[1], slices: dims[2], geometry: GEOMETRY, captureWindow: bone }, state, { lower: 115, upper: 255 });
    const r = await exportSurface(host, { ...series, provenance: { captureWindow: bone } }, state, {}, inProcess);
    expect(r.fileName).toBe('CT head - Threshold 226–1050 HU.stl');
    const sidecar = JSON.parse(r.sidecar);
    expect(sidecar.threshold).toEqual([115, 255]);
    expect(sidecar.captureWindow).toMatchObject({ level: 300, width: 1500, name: 'bone', thresholdHu: [greyToHu(bone, 115), 1050] });
    expect(sidecar.captureWindow.huStep).toBeCloseTo(1500 / 255, 12);
    expect(sidecar.operations[1]).toMatchObject({ op: 'threshold', lower: 115, upper: 255, lowerHu: greyToHu(bone, 115), upperHu: 1050 });
  });
});
