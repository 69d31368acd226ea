import { ORIENTATION_PRESETS } from '../geometry/orientation';
import type { StackGeometry } from '../geometry/types';
import { captureWindowRescale, greyToHu, parseCaptureWindow } from '../hu/captureWindow';
import type { VoxelStack } from '../stack/types';
import { buildExportRecords, exportRescale } from './series';
import { voxelHistogram, windowFromVoxels } from './window';

const geometry: StackGeometry = { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.5, sliceSpacingMm: 1, originMm: [0, 0, 0], orientation: [...ORIENTATION_PRESETS.axial] };

function stackOf(bitsStored: 8 | 16, rescale?: VoxelStack['rescale']): VoxelStack {
  const voxels = bitsStored === 8 ? new Uint8Array(2 * 2 * 2) : new Uint16Array(2 * 2 * 2);
  voxels.set([0, 1, 2, 3, 100, 200, 254, 255]);
  return { columns: 2, rows: 2, slices: 2, bitsStored, voxels, sliceNames: [], ...(rescale ? { rescale } : {}) };
}

describe('exportRescale: what the exported values mean, one rule for the CLI and the viewer', () => {
  test('a capture window gives approximate HU: slope width/255, intercept level − width/2', () => {
    const bone = parseCaptureWindow('bone');
    expect(exportRescale(stackOf(8), { captureWindow: bone })).toEqual(captureWindowRescale(bone));
    const [record] = buildExportRecords(stackOf(8), geometry, { captureWindow: bone });
    expect(record.RescaleType).toBe('HU');
    expect(record.RescaleSlope).toBeCloseTo(1500 / 255, 9);
    expect(record.RescaleIntercept).toBe(-450);
    // a reader applying the tags gets the mapping's HU back for every grey level
    for (const g of [0, 1, 128, 255]) expect(g * record.RescaleSlope + record.RescaleIntercept).toBeCloseTo(greyToHu(bone, g), 4);
    expect(record.DerivationDescription).toMatch(/quantisation step 5\.88235 HU/);
    expect(record.BitsAllocated).toBe(16);
  });

  test('without one the values stay grey levels (no RescaleType), and a real-valued stack keeps its source mapping', () => {
    expect(exportRescale(stackOf(8))).toBeUndefined();
    const [grey] = buildExportRecords(stackOf(8), geometry);
    expect([grey.RescaleSlope, grey.RescaleIntercept, grey.RescaleType]).toEqual([1, 0, undefined]);
    expect(grey.DerivationDescription).toMatch(/grey levels, not Hounsfield units/);
    const real = stackOf(16, { slope: 0.5, intercept: -10 });
    expect(exportRescale(real)).toMatchObject({ slope: 0.5, intercept: -10, type: 'US' });
    // a given rescale (a DICOM input's own) stands
    expect(exportRescale(real, { rescale: { slope: 2, intercept: 1, type: 'HU' } })).toEqual({ slope: 2, intercept: 1, type: 'HU' });
  });

  test('a capture window on 16-bit data is refused with a typed error', () => {
    expect(() => exportRescale(stackOf(16), { captureWindow: parseCaptureWindow('lung') })).toThrow(/8-bit grey levels to HU; these slices are 16-bit/);
  });
});

test('buildExportRecords takes an already counted histogram for the window (the same window), and refuses one of other voxels', () => {
  const stack = stackOf(8);
  const counted = voxelHistogram(stack.voxels);
  const [given] = buildExportRecords(stack, geometry, { histogram: counted });
  const [own] = buildExportRecords(stack, geometry);
  expect([given.WindowCenter, given.WindowWidth]).toEqual([own.WindowCenter, own.WindowWidth]);
  const w = windowFromVoxels(stack.voxels);
  expect([Number(given.WindowCenter), Number(given.WindowWidth)]).toEqual([w.center, w.width]);
  // a histogram of another volume (here one slice short) would set a wrong window
  expect(() => buildExportRecords(stack, geometry, { histogram: voxelHistogram(stack.voxels.subarray(4)) })).toThrow(/the histogram counts 4 values, the stack holds 8/);
});
