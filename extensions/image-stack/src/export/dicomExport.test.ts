import { createSeriesUids, parseCaptureWindow, readPart10, part10Files, windowFromVoxels, type StackGeometry, type VoxelStack } from '@imagestack/core';
import type { LoadedSeries } from '../services/ImageStackService';
import { buildViewerInstances } from '../services/viewerInstances';
import { checkDicomWeb, exportRecordsOf, failureSummary, pacsResultLine, pacsStudyPath } from './dicomExport';
import { fileNameFrom } from '../utils/download';

const geometry: StackGeometry = { pixelSpacingXMm: 0.9, pixelSpacingYMm: 0.8, sliceSpacingMm: 1.3, originMm: [1, 2, 3], orientation: [1, 0, 0, 0, 1, 0] };

function series(
  provenance: LoadedSeries['provenance'] = {},
  stack: VoxelStack = { columns: 6, rows: 4, slices: 3, bitsStored: 8, voxels: Uint8Array.from({ length: 72 }, (_, i) => (i * 7) % 256), sliceNames: [] },
): LoadedSeries {
  const uids = createSeriesUids(3);
  const window = windowFromVoxels(stack.voxels);
  // the import dates its identity once (ImageStackService.addStack)
  const identity = { description: 'scan: a/b', date: new Date(Date.UTC(2025, 4, 6, 7, 8, 9)) };
  const imageIds = ['imagestack:k/0', 'imagestack:k/1', 'imagestack:k/2'];
  const instances = buildViewerInstances({ stack, geometry, uids, window, identity, imageIds });
  return { key: 'k', stack, geometry, description: identity.description, provenance, uids, window, identity, instances, studyInstanceUID: uids.studyInstanceUID, seriesInstanceUID: uids.seriesInstanceUID, imageIds };
}

test('the export records are the viewed ones but 16-bit: same UIDs, geometry, window and study date', () => {
  const s = series();
  const records = exportRecordsOf(s);
  expect(records).toHaveLength(3);
  records.forEach((r, k) => {
    const viewed = s.instances[k];
    for (const key of ['SOPInstanceUID', 'SeriesInstanceUID', 'StudyInstanceUID', 'ImagePositionPatient', 'PixelSpacing', 'WindowCenter', 'WindowWidth', 'StudyDate', 'StudyTime', 'SeriesDescription'] as const) {
      expect([k, key, r[key]]).toEqual([k, key, viewed[key]]);
    }
    expect([r.BitsAllocated, viewed.BitsAllocated]).toEqual([16, 8]);
  });
  const [first] = part10Files(s.stack, records);
  expect(Array.from(readPart10(first.bytes).pixels)).toEqual(Array.from(s.stack.voxels.subarray(0, 24)));
});

test('with the import\'s capture window the files say approximate HU; the viewer\'s records stay grey levels', () => {
  const s = series({ captureWindow: parseCaptureWindow('bone') });
  const records = exportRecordsOf(s);
  expect(records.map(r => [r.RescaleType, r.RescaleIntercept])).toEqual([['HU', -450], ['HU', -450], ['HU', -450]]);
  expect(records[0].RescaleSlope).toBeCloseTo(1500 / 255, 12);
  // the window centre/width are mapped to HU too, from the same grey window the viewer shows
  expect(records[0].WindowCenter).toBeCloseTo(s.window.center * (1500 / 255) - 450, 6);
  expect(s.instances.map(r => [r.BitsAllocated, r.RescaleSlope, r.RescaleIntercept, r.RescaleType])).toEqual(Array(3).fill([8, 1, 0, undefined]));
  // without one: grey levels, no RescaleType
  expect(exportRecordsOf(series()).map(r => r.RescaleType)).toEqual([undefined, undefined, undefined]);
});

test('a stack of real values (a float TIFF mapped into 16-bit voxels) is exported with them through RescaleSlope/Intercept; the viewer shows its stored voxels', () => {
  // the window -500..1000 chosen at the stack check: real = voxel · 1500/65535 − 500
  const rescale = { slope: 1500 / 65535, intercept: -500 };
  const s = series({}, { columns: 6, rows: 4, slices: 3, bitsStored: 16, voxels: Uint16Array.from({ length: 72 }, (_, i) => i * 900), sliceNames: [], rescale });
  const records = exportRecordsOf(s);
  records.forEach((r, k) => {
    // the viewer's image loader hands Cornerstone the stored voxels (and their window), not pre-scaled values
    expect([s.instances[k].RescaleSlope, s.instances[k].RescaleIntercept].map(Number)).toEqual([1, 0]);
    expect(Number(r.RescaleSlope)).toBeCloseTo(rescale.slope, 9);
    expect(Number(r.RescaleIntercept)).toBe(-500);
  });
  // voxel 900 of the first file is -500 + 900 · 1500/65535 ≈ -479.4 in the source's units
  const [first] = part10Files(s.stack, records);
  expect(readPart10(first.bytes).pixels[1] * Number(records[0].RescaleSlope) + Number(records[0].RescaleIntercept)).toBeCloseTo(-500 + (900 * 1500) / 65535, 3);
});

test('names and numbers for people', () => {
  expect(fileNameFrom('scan: a/b', '.zip')).toBe('scan a b.zip');
  expect(fileNameFrom('  ', '.zip')).toBe('imagestack-series.zip');
  expect(pacsStudyPath('imagestack', '2.25.1')).toBe('/imagestack/dicomweb?StudyInstanceUIDs=2.25.1');
});

const respond = (status: number, body?: string) => (async () => new Response(body ?? null, { status })) as unknown as typeof fetch;

test('the DICOMweb check tells "no PACS configured" and "PACS down" apart from a working one', async () => {
  expect(await checkDicomWeb('/dicom-web', respond(200, '[]'))).toEqual({ ok: true });
  expect(await checkDicomWeb('/dicom-web', respond(204))).toEqual({ ok: true });
  expect(await checkDicomWeb('/dicom-web', respond(503, 'no DICOMweb server configured: set IMAGESTACK_DICOMWEB_URL'))).toEqual({
    ok: false,
    message: expect.stringMatching(/^No PACS configured: start the viewer server with IMAGESTACK_DICOMWEB_URL=/),
  });
  expect(await checkDicomWeb('/dicom-web', respond(502, 'DICOMweb server http://127.0.0.1:9 did not answer: connect ECONNREFUSED'))).toEqual({
    ok: false,
    message: 'The PACS at 127.0.0.1:9 did not answer (connect ECONNREFUSED).',
  });
  expect(await checkDicomWeb('/dicom-web', respond(502, 'DICOMweb server http://pacs:8042 did not answer: connect ECONNREFUSED 10.0.0.7:8042'))).toEqual({
    ok: false,
    message: 'The PACS at pacs:8042 did not answer (connect ECONNREFUSED).',
  });
  expect(await checkDicomWeb('/dicom-web', respond(502, 'Bad Gateway'))).toEqual({ ok: false, message: 'The PACS did not answer (HTTP 502).' });
  // a server that refuses QIDO may still take STOW: the send reports what happens
  expect(await checkDicomWeb('/dicom-web', respond(401))).toEqual({ ok: true });
});

test('the result line is honest about every instance', () => {
  expect(pacsResultLine({ kind: 'sent', total: 150, result: { accepted: 150, failed: 0, failures: [] } })).toBe('Sent 150 of 150 instances');
  const failures = [
    { sopInstanceUID: '1', reason: 'refused by the server: out of resources (0xA700)' },
    { sopInstanceUID: '2', reason: 'could not reach pacs (ECONNRESET); gave up after 4 attempts' },
    { sopInstanceUID: '3', reason: 'refused by the server: out of resources (0xA700)' },
  ];
  expect(failureSummary(failures)).toBe('2 × refused by the server: out of resources (0xA700); 1 × could not reach pacs (ECONNRESET); gave up after 4 attempts');
  expect(pacsResultLine({ kind: 'sent', total: 5, result: { accepted: 2, failed: 3, failures } })).toBe(
    'Sent 2 of 5 instances; 3 failed: 2 × refused by the server: out of resources (0xA700); 1 × could not reach pacs (ECONNRESET); gave up after 4 attempts',
  );
  expect(pacsResultLine({ kind: 'cancelled', total: 150, accepted: 20, failed: 0 })).toBe('Cancelled: the PACS confirmed 20 of 150 instances before you stopped.');
  expect(pacsResultLine({ kind: 'unavailable', message: 'No PACS is configured.' })).toBe('No PACS is configured.');
});
