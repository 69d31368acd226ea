import { ORIENTATION_PRESETS } from '../geometry/orientation';
import type { StackGeometry } from '../geometry/types';
import type { VoxelStack } from '../stack/types';
import { writePart10 } from './part10';
import { stackFromPart10 } from './readSeries';
import { createSeriesUids } from './uids';
import { buildExportRecords, part10Files } from './series';
import { captureWindowFromRescale, captureWindowRescale, parseCaptureWindow } from '../hu/captureWindow';

const geometry: StackGeometry = {
  pixelSpacingXMm: 0.5,
  pixelSpacingYMm: 0.8,
  sliceSpacingMm: 1.25,
  originMm: [-10, 20.5, 30],
  orientation: [...ORIENTATION_PRESETS.sagittal],
};

function makeStack(bitsStored: 8 | 16): VoxelStack {
  const columns = 6;
  const rows = 4;
  const slices = 4;
  const voxels = bitsStored === 8 ? new Uint8Array(columns * rows * slices) : new Uint16Array(columns * rows * slices);
  for (let i = 0; i < voxels.length; i++) voxels[i] = bitsStored === 8 ? (i * 7) % 256 : 300 + i * 500;
  return { columns, rows, slices, bitsStored, voxels, sliceNames: [] };
}

const filesOf = (stack: VoxelStack) =>
  [...part10Files(stack, buildExportRecords(stack, geometry, { identity: { patientName: 'Doe^Jane', description: 'again' } }))].map(f => ({
    name: f.fileName,
    bytes: f.bytes,
  }));

test.each([8, 16] as const)('an exported %i-bit series reads back as the same stack and geometry, in any file order', bits => {
  const stack = makeStack(bits);
  const files = filesOf(stack).reverse();
  const back = stackFromPart10(files);
  expect(back.stack.bitsStored).toBe(bits);
  expect(back.stack.voxels).toEqual(stack.voxels);
  expect(back.stack.sliceNames).toEqual(['IMG0001.dcm', 'IMG0002.dcm', 'IMG0003.dcm', 'IMG0004.dcm']);
  expect(back.geometry.pixelSpacingXMm).toBe(0.5);
  expect(back.geometry.pixelSpacingYMm).toBe(0.8);
  expect(back.geometry.sliceSpacingMm).toBeCloseTo(1.25, 12);
  expect(back.geometry.originMm).toEqual([-10, 20.5, 30]);
  expect(back.geometry.orientation).toEqual([0, 1, 0, 0, 0, -1]);
  expect(back.identity).toEqual({ patientName: 'Doe^Jane', patientId: expect.stringMatching(/^IMAGESTACK-/), description: 'again' });
});

test('a capture window export (approximate HU) reads back with its rescale and window', () => {
  const stack = makeStack(8);
  const rescale = captureWindowRescale(parseCaptureWindow('lung'));
  const files = [...part10Files(stack, buildExportRecords(stack, geometry, { rescale }))].map(f => ({ name: f.fileName, bytes: f.bytes }));
  const back = stackFromPart10(files);
  expect(back.stack.voxels).toEqual(stack.voxels);
  expect(back.rescale).toMatchObject({ type: 'HU', intercept: -1350 });
  expect(back.rescale!.slope).toBeCloseTo(1500 / 255, 12);
  expect(captureWindowFromRescale(back.rescale)).toEqual({ level: -600, width: 1500, name: 'lung' });
  expect(stackFromPart10(filesOf(stack)).rescale).toBeUndefined();
});

test('refuses slices with different rescales', () => {
  const stack = makeStack(8);
  const uids = createSeriesUids(stack.slices);
  const a = [...part10Files(stack, buildExportRecords(stack, geometry, { uids, rescale: captureWindowRescale(parseCaptureWindow('bone')) }))];
  const b = [...part10Files(stack, buildExportRecords(stack, geometry, { uids, rescale: captureWindowRescale(parseCaptureWindow('lung')) }))];
  expect(() => stackFromPart10([{ name: 'a.dcm', bytes: a[0].bytes }, { name: 'b.dcm', bytes: b[1].bytes }])).toThrow(/b\.dcm: has another RescaleSlope\/Intercept than a\.dcm/);
});

test('refuses a gap in the slices, naming the file', () => {
  const files = filesOf(makeStack(8));
  expect(() => stackFromPart10([files[0], files[1], files[3]])).toThrow(/IMG000[24]\.dcm: is .* mm away from an evenly spaced/);
});

test('refuses files of another series or size', () => {
  const a = filesOf(makeStack(8));
  const b = filesOf(makeStack(8));
  expect(() => stackFromPart10([a[0], b[1]])).toThrow(/IMG0002\.dcm: belongs to another series than IMG0001\.dcm/);
  const stack = makeStack(8);
  const records = buildExportRecords(stack, geometry);
  const small = writePart10({ ...records[1], Rows: 2, Columns: 3 }, new Uint8Array(6));
  expect(() => stackFromPart10([{ name: 'a.dcm', bytes: writePart10(records[0], stack.voxels.subarray(0, 24)) }, { name: 'b.dcm', bytes: small }])).toThrow(
    /b\.dcm: is 3×2, a\.dcm is 6×4/,
  );
});

test('refuses nothing at all', () => {
  expect(() => stackFromPart10([])).toThrow(/no DICOM files/);
});
