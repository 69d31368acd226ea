import { IDENTITY_TRANSFORM, placementTransform, writeStlBinary, generateTube, type StackGeometry } from '@imagestack/core';
import { inProcessFitBackend, memoryHost } from '../../testing/workflowFakes';
import { createFitRuntime, fitAddTube, fitAnatomyStatus, fitLoadDevice, fitMeasure, fitPlaceDevice, fitRemoveDevice, fitReport, fitSetAnatomy, fitUpdateAnatomy, parseTransformText, transformText } from './deviceFit';
import { createFitState } from './fitState';

// a lumen: a cylinder of radius 6 mm along z through the whole grid, at (x, y) = (10, 12) mm
const geometry: StackGeometry = { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.6, sliceSpacingMm: 1, originMm: [0, 0, -10], orientation: [1, 0, 0, 0, 1, 0] };
const dims: [number, number, number] = [40, 40, 30];
const R = 6;
const C: [number, number] = [10, 12];
const series = { dims, geometry, description: 'CT neck' };

function lumenHost() {
  const { host, labelmap } = memoryHost(dims);
  labelmap.forEach(slice => {
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const x = i * geometry.pixelSpacingXMm - C[0];
        const y = j * geometry.pixelSpacingYMm - C[1];
        if (x * x + y * y <= R * R) slice[j * dims[0] + i] = 1;
      }
  });
  return Object.assign(host, { labelmap });
}

async function setUp() {
  const host = lumenHost();
  await host.createLabelmap({ index: 1, label: 'airway' });
  const state = createFitState();
  const backend = inProcessFitBackend();
  const runtime = createFitRuntime(backend);
  const anatomy = await fitSetAnatomy(host, series, state, runtime, { segmentIndex: 1 });
  return { host, state, backend, runtime, anatomy };
}

describe('device fit (workflow over an in-memory segmentation and the fit engine)', () => {
  it('meshes the segment as the export does, measures a tube inside, then in the wall, preparing each mesh once', async () => {
    const { host, state, backend, runtime, anatomy } = await setUp();
    expect(anatomy).toMatchObject({ segmentIndex: 1, label: 'airway', smoothIterations: 20, closed: true });
    // the cylinder's volume in the grid, within the staircase of the voxels
    expect(anatomy.volumeMl).toBeGreaterThan(0.9 * Math.PI * R * R * 29 * 1e-3);

    const tube = fitAddTube(state, runtime, { outerDiameterMm: 6, innerDiameterMm: 4, lengthMm: 15 });
    expect(tube.name).toBe('Tube OD 6 / ID 4 mm, 15 mm');
    fitPlaceDevice(state, { positionMm: [C[0], C[1], -3], axis: [0, 0, 1] });
    const inside = await fitMeasure(host, series, state, runtime);
    expect(inside.full).toBe(true);
    expect(inside.deviceInside).toBe(true);
    expect(inside.interferenceMl).toBe(0);
    expect(Math.abs(inside.minClearanceMm - (R - 3))).toBeLessThan(0.5);

    // nudged 5 mm towards +x: 2 mm through the wall
    fitPlaceDevice(state, { translateMm: [5, 0, 0] });
    expect(state.devices[0].transform[3]).toBeCloseTo(C[0] + 5, 10);
    const fast = await fitMeasure(host, series, state, runtime, { fast: true });
    expect(fast.full).toBe(false);
    expect(Number.isNaN(fast.interferenceMl)).toBe(true);
    expect(fast.minClearanceMm).toBeLessThan(0);
    const wall = await fitMeasure(host, series, state, runtime);
    expect(wall.deviceInside).toBe(false);
    expect(wall.minClearanceMm).toBeLessThan(-1);
    expect(wall.interferenceMl).toBeGreaterThan(0);
    // the tube spans z −3..12 mm: slices 7..22 of a grid starting at −10 mm, 1 mm apart
    expect(wall.interferenceSlices![0]).toBeGreaterThanOrEqual(6);
    expect(wall.interferenceSlices![1]).toBeLessThanOrEqual(23);
    expect(wall.closestPointMm[0]).toBeGreaterThan(C[0] + R - 1);

    // prepared once, measured three times
    expect(backend.calls).toEqual({ anatomy: 1, device: 1, measure: 3 });

    const report = fitReport(series, state, new Date('2026-01-02T03:04:05Z'));
    expect(report.result.interference_mL).toBe(wall.interferenceMl);
    expect(report.result.interference_slices).toEqual([wall.interferenceSlices![0] + 1, wall.interferenceSlices![1] + 1]);
    expect(report.device.source).toEqual({ kind: 'tube', params: { outerDiameterMm: 6, innerDiameterMm: 4, lengthMm: 15 } });
    expect(report.series.geometry).toEqual(geometry);
    expect(report.anatomy.label).toBe('airway');
    expect(JSON.parse(JSON.stringify(report)).transform).toEqual(state.devices[0].transform);

    // moved since the last measurement: no report of numbers that are not its
    fitPlaceDevice(state, { translateMm: [-5, 0, 0] });
    expect(() => fitReport(series, state)).toThrow(/measure the device where it is first/);
  });

  it('turns about the tip; a loaded STL is a device too; a restored session prepares again on its own', async () => {
    const { host, state, runtime } = await setUp();
    const stl = writeStlBinary(generateTube({ outerDiameterMm: 4, innerDiameterMm: 0, lengthMm: 10 }));
    const rod = fitLoadDevice(state, runtime, { fileName: 'rod.stl', bytes: stl }, placementTransform([C[0], C[1], 0], [0, 0, 1]));
    expect(rod.name).toBe('rod.stl');
    fitPlaceDevice(state, { rotate: { axis: [1, 0, 0], deg: 90 } });
    const T = state.devices[0].transform;
    // the tip stays at (C, 0); the rod's axis now lies along −y
    expect([T[3], T[7], T[11]].map(v => Number(v.toFixed(9)))).toEqual([C[0], C[1], 0]);
    expect([T[2], T[6], T[10]].map(v => Number(v.toFixed(9)))).toEqual([0, -1, 0]);
    // 10 mm long from the centre of a 6 mm lumen: it pokes through the wall
    expect((await fitMeasure(host, series, state, runtime)).deviceInside).toBe(false);

    // the saved state, restored into a new runtime with a fresh backend (e.g. after reload)
    const restored = structuredClone(state);
    fitPlaceDevice(restored, { transform: transformText(placementTransform([C[0], C[1], 0], [0, 0, 1])) });
    const backend2 = inProcessFitBackend();
    const r = await fitMeasure(host, series, restored, createFitRuntime(backend2));
    expect(r.deviceInside).toBe(true);
    expect(Math.abs(r.minClearanceMm - (R - 2))).toBeLessThan(0.5);
    expect(backend2.calls).toEqual({ anatomy: 1, device: 1, measure: 1 });

    await fitRemoveDevice(state, runtime);
    expect(state.devices).toEqual([]);
    await expect(fitMeasure(host, series, state, runtime)).rejects.toThrow(/no device yet/);
  });

  it('refuses what cannot be measured, in the user’s words', async () => {
    const { host, state, runtime } = await setUp();
    expect(() => fitAddTube(state, runtime, { outerDiameterMm: 4, innerDiameterMm: 5, lengthMm: 10 })).toThrow();
    expect(state.devices).toEqual([]);
    expect(() => fitLoadDevice(state, runtime, { fileName: 'junk.stl', bytes: new Uint8Array(10) })).toThrow(/junk\.stl/);
    fitAddTube(state, runtime, { outerDiameterMm: 4, innerDiameterMm: 2, lengthMm: 10 });
    expect(() => fitPlaceDevice(state, { transform: '1 0 0 0  0 1 0 0  0 0 1 0' })).toThrow(/16 numbers .* got 12/);
    expect(() => fitPlaceDevice(state, { transform: '2 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1' })).toThrow(/rotation and a translation/);
    expect(state.devices[0].transform).toEqual([...IDENTITY_TRANSFORM]);
    expect(Array.from(parseTransformText(transformText([1, 0, 0, 1.5, 0, 1, 0, -2, 0, 0, 1, 3, 0, 0, 0, 1])))).toEqual([1, 0, 0, 1.5, 0, 1, 0, -2, 0, 0, 1, 3, 0, 0, 0, 1]);

    const empty = createFitState();
    fitAddTube(empty, runtime, { outerDiameterMm: 4, innerDiameterMm: 2, lengthMm: 10 });
    await expect(fitMeasure(host, series, empty, runtime)).rejects.toThrow(/choose the anatomy first/);
    await host.createLabelmap({ index: 1, label: 'airway' });
    host.addSegment('seg-1', { index: 2, label: 'nothing' });
    await expect(fitSetAnatomy(host, series, empty, runtime, { segmentIndex: 2 })).rejects.toThrow(/segment 2 "nothing" is empty/);
  });

  it('sees the segment change after "Use this segment" (a brush stroke, a refine) and updates the anatomy from the voxels as they are', async () => {
    const { host, state, backend, runtime, anatomy } = await setUp();
    expect(fitAnatomyStatus(host, series, state)).toBe('current');
    fitAddTube(state, runtime, { outerDiameterMm: 6, innerDiameterMm: 4, lengthMm: 15 });
    fitPlaceDevice(state, { positionMm: [C[0], C[1], -3], axis: [0, 0, 1] });
    const before = await fitMeasure(host, series, state, runtime);

    // a brush stroke takes one voxel out of the airway, far from the device: still a change
    const slice = host.labelmap[25];
    const i = Math.round(C[0] / geometry.pixelSpacingXMm) + dims[0] * Math.round(C[1] / geometry.pixelSpacingYMm);
    expect(slice[i]).toBe(1);
    slice[i] = 0;
    expect(fitAnatomyStatus(host, series, state)).toBe('changed');
    // put back: the same voxels again, so the same anatomy
    slice[i] = 1;
    expect(fitAnatomyStatus(host, series, state)).toBe('current');

    // the airway narrowed (a refine): every voxel beyond 4.5 mm of the axis gone
    for (const s of host.labelmap)
      for (let j = 0; j < dims[1]; j++)
        for (let k = 0; k < dims[0]; k++) {
          const x = k * geometry.pixelSpacingXMm - C[0], y = j * geometry.pixelSpacingYMm - C[1];
          if (x * x + y * y > 4.5 * 4.5) s[j * dims[0] + k] = 0;
        }
    expect(fitAnatomyStatus(host, series, state)).toBe('changed');
    const updated = await fitUpdateAnatomy(host, series, state, runtime);
    expect(updated).toMatchObject({ segmentIndex: 1, smoothIterations: anatomy.smoothIterations });
    expect(updated.volumeMl).toBeLessThan(anatomy.volumeMl * 0.7);
    expect(updated.fingerprint).not.toBe(anatomy.fingerprint);
    expect(state.last).toBeUndefined();
    expect(fitAnatomyStatus(host, series, state)).toBe('current');
    const after = await fitMeasure(host, series, state, runtime);
    expect(after.minClearanceMm).toBeLessThan(before.minClearanceMm - 1);
    expect(backend.calls.anatomy).toBe(2);

    // a session saved before fingerprints were kept: current (nothing to compare with)
    delete state.anatomy!.fingerprint;
    expect(fitAnatomyStatus(host, series, state)).toBe('current');
    // the segment deleted
    (host as any).segments = () => [];
    expect(fitAnatomyStatus(host, series, state)).toBe('gone');
    expect(fitAnatomyStatus(host, series, { ...state, anatomy: undefined })).toBe('none');
  });
});
