import { ORIENTATION_PRESETS } from '../geometry/orientation';
import { slicePositionMm } from '../geometry/positions';
import { planStack } from '../stack/plan';
import { readPart10, writePart10 } from './part10';
import type { StackGeometry } from '../geometry/types';
import { buildSeriesRecords, CT_IMAGE_STORAGE, dicomDateTime, FILLED_SLICE_COMMENT } from './records';
import { createSeriesUids, uidFromUuid } from './uids';
import { toDecimalString } from './decimal';
import { voxelHistogram, windowFromHistogram, windowFromVoxels } from './window';

// Non-square pixels and a non-zero origin, as every geometry test here must use.
const geometry: StackGeometry = {
  pixelSpacingXMm: 0.5,
  pixelSpacingYMm: 0.8,
  sliceSpacingMm: 1.25,
  originMm: [-10, 20, 30],
  orientation: [...ORIENTATION_PRESETS.coronal],
};
const shape = { columns: 6, rows: 4, slices: 3, bitsStored: 8 as const };
const when = new Date(Date.UTC(2026, 10, 25, 21, 5, 9));

describe('buildSeriesRecords', () => {
  const uids = createSeriesUids(3);
  const viewer = buildSeriesRecords(shape, geometry, uids, { storage: 'viewer', identity: { patientName: 'Doe^Jane', description: 'trachea', date: when } });
  const exported = buildSeriesRecords(shape, geometry, uids, { storage: 'export', identity: { patientName: 'Doe^Jane', description: 'trachea', date: when } });

  test('one CT record per slice with shared study/series/frame UIDs', () => {
    expect(viewer).toHaveLength(3);
    for (const [k, r] of viewer.entries()) {
      expect(r.SOPClassUID).toBe(CT_IMAGE_STORAGE);
      expect(r.SOPInstanceUID).toBe(uids.sopInstanceUIDs[k]);
      expect(r.SeriesInstanceUID).toBe(uids.seriesInstanceUID);
      expect(r.StudyInstanceUID).toBe(uids.studyInstanceUID);
      expect(r.FrameOfReferenceUID).toBe(uids.frameOfReferenceUID);
      expect(r.InstanceNumber).toBe(k + 1);
      expect(r.Modality).toBe('CT');
      expect(r.ImageType.slice(0, 2)).toEqual(['DERIVED', 'SECONDARY']);
      expect(r.BurnedInAnnotation).toBe('YES');
      // unspecified units (grey levels) leave RescaleType out: dciodvfy knows only HU for CT
      expect([r.RescaleSlope, r.RescaleIntercept, r.RescaleType]).toEqual([1, 0, undefined]);
      expect('RescaleType' in r).toBe(false);
      expect(r.DerivationDescription).toMatch(/grey levels, not Hounsfield units/);
      expect(r.ImageLaterality).toBe('U');
      expect('Laterality' in r).toBe(false);
      expect(r.PhotometricInterpretation).toBe('MONOCHROME2');
      expect([r.Rows, r.Columns]).toEqual([4, 6]);
    }
    expect(new Set(uids.sopInstanceUIDs).size).toBe(3);
  });

  test('PixelSpacing is y\\x; thickness and spacing between slices are the slice spacing', () => {
    expect(viewer[0].PixelSpacing).toEqual([0.8, 0.5]);
    expect(viewer[0].SliceThickness).toBe(1.25);
    expect(viewer[0].SpacingBetweenSlices).toBe(1.25);
  });

  test('positions advance along row × column from the origin (coronal: +y)', () => {
    expect(viewer.map(r => r.ImagePositionPatient)).toEqual([
      [-10, 20, 30],
      [-10, 21.25, 30],
      [-10, 22.5, 30],
    ]);
    expect(viewer[0].ImageOrientationPatient).toEqual([1, 0, 0, 0, 0, -1]);
    expect(viewer.map(r => r.SliceLocation)).toEqual([20, 21.25, 22.5]);
  });

  test("'viewer' keeps 8-bit data 8-bit; 'export' is 16 bits; nothing else differs", () => {
    expect([viewer[0].BitsAllocated, viewer[0].BitsStored, viewer[0].HighBit]).toEqual([8, 8, 7]);
    expect([exported[0].BitsAllocated, exported[0].BitsStored, exported[0].HighBit]).toEqual([16, 16, 15]);
    const strip = ({ BitsAllocated, BitsStored, HighBit, ...rest }: (typeof viewer)[number]) => rest;
    expect(exported.map(strip)).toEqual(viewer.map(strip));
  });

  test('16-bit data is 16 bits in both storages', () => {
    const v = buildSeriesRecords({ ...shape, bitsStored: 16 }, geometry, uids, { storage: 'viewer' });
    expect([v[0].BitsAllocated, v[0].BitsStored, v[0].HighBit]).toEqual([16, 16, 15]);
    expect(v[0].WindowWidth).toBe(65536);
  });

  test('a rescale maps stored values and the window; RescaleType is written for HU', () => {
    const rescale = { slope: 1500 / 255, intercept: 300 - 750, type: 'HU' as const, description: 'capture window bone' };
    const [r] = buildSeriesRecords(shape, geometry, uids, { storage: 'export', window: { center: 128, width: 256 }, rescale });
    expect(r.RescaleType).toBe('HU');
    expect(String(r.RescaleSlope).length).toBeLessThanOrEqual(16);
    expect(r.RescaleSlope).toBeCloseTo(5.88235294117647, 12);
    expect(r.RescaleIntercept).toBe(-450);
    // the window is given in stored values and written in HU
    expect(r.WindowCenter).toBeCloseTo(128 * (1500 / 255) - 450, 9);
    expect(r.WindowWidth).toBeCloseTo(256 * (1500 / 255), 9);
    expect(r.DerivationDescription).toMatch(/HU = stored value x RescaleSlope \+ RescaleIntercept; capture window bone/);
    // 8-bit data is still widened, not scaled, on export: the stored bits are unchanged
    expect([r.BitsAllocated, r.BitsStored]).toEqual([16, 16]);
  });

  test('refuses a zero or non-finite slope', () => {
    expect(() => buildSeriesRecords(shape, geometry, uids, { storage: 'export', rescale: { slope: 0, intercept: 0, type: 'HU' } })).toThrow(/non-zero slope/);
    expect(() => buildSeriesRecords(shape, geometry, uids, { storage: 'export', rescale: { slope: 1, intercept: NaN, type: 'HU' } })).toThrow(/finite intercept/);
  });

  test('identity and dates', () => {
    expect(viewer[0].PatientName).toBe('Doe^Jane');
    expect(viewer[0].SeriesDescription).toBe('trachea');
    expect([viewer[0].StudyDate, viewer[0].StudyTime]).toEqual(['20261125', '210509']);
    expect(dicomDateTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toEqual({ date: '20260102', time: '030405' });
  });

  test('user text fits one LO value: 64 characters, no backslash or control characters', () => {
    const long = buildSeriesRecords(shape, geometry, uids, { storage: 'viewer', identity: { description: `a\\b\n${'x'.repeat(100)}`, patientId: '  ' } })[0];
    expect(long.SeriesDescription).toBe(`a/b ${'x'.repeat(60)}`);
    expect(long.PatientID).toMatch(/^IMAGESTACK-\d{1,12}$/);
  });

  test('refuses bad geometry, shapes and UID counts', () => {
    expect(() => buildSeriesRecords(shape, { ...geometry, sliceSpacingMm: 0 }, uids, { storage: 'viewer' })).toThrow(/slice spacing/);
    expect(() => buildSeriesRecords({ ...shape, slices: 4 }, geometry, uids, { storage: 'viewer' })).toThrow(/3 SOP instance UIDs for 4 slices/);
    expect(() => buildSeriesRecords({ ...shape, rows: 0 }, geometry, uids, { storage: 'viewer' })).toThrow(/rows must be/);
  });

  test('decimal values fit DS (16 characters), noise becomes 0', () => {
    const g = { ...geometry, originMm: [0.1 + 0.2, -1 / 3, 1e-17] as [number, number, number], sliceSpacingMm: 0.1 };
    const r = buildSeriesRecords({ ...shape, slices: 1 }, g, createSeriesUids(1), { storage: 'export' })[0];
    for (const v of [...r.ImagePositionPatient, ...r.PixelSpacing, r.SliceThickness]) expect(String(v).length).toBeLessThanOrEqual(16);
    expect(r.ImagePositionPatient[0]).toBeCloseTo(0.3, 14);
    expect(r.ImagePositionPatient[2]).toBe(0);
  });
});

test('toDecimalString', () => {
  expect(toDecimalString(0.30000000000000004)).toBe(0.3);
  expect(String(toDecimalString(-123456.78901234567))).toBe('-123456.78901235');
  expect(toDecimalString(-6e-17)).toBe(0);
  expect(String(toDecimalString(1.234567890123e-7)).length).toBeLessThanOrEqual(16);
});

test('UIDs are 2.25 + the UUID as a decimal, at most 64 characters', () => {
  expect(uidFromUuid('00000000-0000-0000-0000-00000000000a')).toBe('2.25.10');
  expect(uidFromUuid('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe('2.25.340282366920938463463374607431768211455');
  const u = createSeriesUids(2);
  for (const uid of [u.studyInstanceUID, u.seriesInstanceUID, ...u.sopInstanceUIDs]) {
    expect(uid).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
    expect(uid.length).toBeLessThanOrEqual(64);
  }
});

describe('window from the histogram', () => {
  test('covers the 1st to 99th percentile', () => {
    const v = new Uint8Array(1000);
    for (let i = 0; i < 1000; i++) v[i] = i < 5 ? 0 : i >= 995 ? 255 : 10 + (i % 100);
    const w = windowFromVoxels(v);
    // lowest mapped value c − 0.5 − (w−1)/2, highest c − 0.5 + (w−1)/2
    expect(w.center - 0.5 - (w.width - 1) / 2).toBe(10);
    expect(w.center - 0.5 + (w.width - 1) / 2).toBe(109);
  });

  test('16-bit data and slice-by-slice accumulation', () => {
    const a = Uint16Array.from({ length: 500 }, (_, i) => 1000 + i);
    const b = Uint16Array.from({ length: 500 }, (_, i) => 1500 + i);
    const h = voxelHistogram(b, voxelHistogram(a));
    expect(windowFromHistogram(h)).toEqual(windowFromVoxels(Uint16Array.from([...a, ...b])));
    expect(windowFromHistogram(h)).toEqual({ center: 1010 + 981 / 2, width: 981 }); // values 1010..1990
  });

  test('8-bit counts: every voxel of a slice at any offset and length, added to what is there', () => {
    const all = Uint8Array.from({ length: 1031 }, (_, i) => (i * 37 + (i >> 5)) & 255);
    for (const [from, to] of [[0, 1031], [1, 1030], [3, 10], [2, 3], [5, 5]]) {
      const naive = new Float64Array(256).fill(2);
      for (let i = from; i < to; i++) naive[all[i]]++;
      expect(Array.from(voxelHistogram(all.subarray(from, to), new Float64Array(256).fill(2)))).toEqual(Array.from(naive));
    }
  });

  test('8-bit counts of large slices (counted in pairs): every voxel at any offset, a constant run, added to what is there', () => {
    const all = Uint8Array.from({ length: 300_007 }, (_, i) => (i % 5000 < 700 ? 42 : (i * 37 + (i >> 7)) & 255));
    for (const [from, to] of [[0, 300_007], [1, 300_006], [2, 200_001], [3, 70_000], [0, 1 << 16], [5, 5 + (1 << 16) - 1]]) {
      const naive = new Float64Array(256).fill(3);
      for (let i = from; i < to; i++) naive[all[i]]++;
      expect({ from, to, counts: Array.from(voxelHistogram(all.subarray(from, to), new Float64Array(256).fill(3))) }).toEqual({ from, to, counts: Array.from(naive) });
    }
  });

  test('a constant volume gets width 1', () => {
    expect(windowFromVoxels(new Uint8Array(10).fill(7))).toEqual({ center: 7.5, width: 1 });
  });
});

test('filled slices say so in ImageComments, in the viewer and in the file; positions stay the numbered ones', () => {
  // Files 10, 11, 14 with the gap filled: five slices, 12 and 13 interpolated.
  const header = { format: 'png', width: 6, height: 4, channels: 1, bitDepth: 8, pages: 1, detail: 'PNG' } as const;
  const plan = planStack(
    ['s10.png', 's11.png', 's14.png'].map(name => ({ name, source: name, size: 1, header })),
    { gapPolicy: 'fill' },
  );
  const filledSlices = plan.slices.flatMap((s, k) => (s.fill ? [k] : []));
  expect(filledSlices).toEqual([2, 3]);
  const records = buildSeriesRecords({ ...shape, slices: 5, filledSlices }, geometry, createSeriesUids(5), { storage: 'viewer' });
  expect(records.map(r => r.ImageComments)).toEqual([undefined, undefined, FILLED_SLICE_COMMENT, FILLED_SLICE_COMMENT, undefined]);
  // The file numbered n sits (n − 10) slice spacings from the origin.
  plan.slices.forEach((s, k) => {
    const n = Number(/\d+/.exec(s.name)![0]);
    const expected = slicePositionMm(geometry, n - 10);
    expect(records[k].ImagePositionPatient).toEqual(expected.map(toDecimalString));
  });
  const back = readPart10(writePart10(records[2], new Uint8Array(24)));
  expect(back.dataset.ImageComments).toBe('interpolated from neighbours');
  expect(readPart10(writePart10(records[1], new Uint8Array(24))).dataset.ImageComments).toBeUndefined();
});
