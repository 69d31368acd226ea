import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORIENTATION_PRESETS } from '../geometry/orientation';
import type { StackGeometry } from '../geometry/types';
import { sliceView, type VoxelStack } from '../stack/types';
import { part10Parts, readPart10, writePart10 } from './part10';
import { buildSeriesRecords } from './records';
import { createSeriesUids } from './uids';
import { windowFromVoxels } from './window';
import { captureWindowRescale, parseCaptureWindow } from '../hu/captureWindow';

const geometry: StackGeometry = {
  pixelSpacingXMm: 0.5,
  pixelSpacingYMm: 0.8,
  sliceSpacingMm: 1.25,
  originMm: [-10.5, 20.25, 30],
  orientation: [...ORIENTATION_PRESETS.sagittal],
};

/** A small stack whose every voxel differs from its neighbours, so any transposition shows. */
function makeStack(bitsStored: 8 | 16): VoxelStack {
  const columns = 7;
  const rows = 5;
  const slices = 3;
  const n = columns * rows * slices;
  const voxels = bitsStored === 8 ? new Uint8Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) voxels[i] = bitsStored === 8 ? (i * 37) % 256 : (i * 4099) % 65536;
  return { columns, rows, slices, bitsStored, voxels, sliceNames: ['a.bmp', 'b.bmp', 'c.bmp'] };
}

/** dcmjs reads empty type-2 values back as null (IS, DS) or [] (PN); a PN as [{Alphabetic}]. */
function normalize(d: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (v === null || (Array.isArray(v) && v.length === 0)) out[k] = '';
    else if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'object' && v[0] && 'Alphabetic' in v[0]) out[k] = (v[0] as { Alphabetic: string }).Alphabetic;
    else out[k] = v;
  }
  return out;
}

describe.each([8, 16] as const)('%i-bit stack', bits => {
  const stack = makeStack(bits);
  const uids = createSeriesUids(stack.slices);
  const identity = { patientName: 'Müller^Zoë', patientId: 'P-1', description: 'round trip', date: new Date(Date.UTC(2026, 10, 25, 21, 0, 0)) };
  const records = buildSeriesRecords(stack, geometry, uids, { storage: 'export', identity, window: windowFromVoxels(stack.voxels) });

  test('records → Part 10 → dcmjs: same values, same pixels', () => {
    for (let k = 0; k < stack.slices; k++) {
      const bytes = writePart10(records[k], sliceView(stack, k));
      expect(String.fromCharCode(...bytes.subarray(128, 132))).toBe('DICM');
      const { dataset, meta, pixels } = readPart10(bytes);
      expect(normalize(dataset)).toEqual(records[k]);
      expect(pixels).toBeInstanceOf(Uint16Array);
      expect(Array.from(pixels)).toEqual(Array.from(sliceView(stack, k)));
      expect(meta.TransferSyntaxUID).toBe('1.2.840.10008.1.2.1');
      expect(meta.MediaStorageSOPInstanceUID).toBe(uids.sopInstanceUIDs[k]);
      expect(meta.MediaStorageSOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.2');
    }
  });

  test("a 'viewer' record writes the same file as its 'export' twin", () => {
    const viewer = buildSeriesRecords(stack, geometry, uids, { storage: 'viewer', identity, window: windowFromVoxels(stack.voxels) });
    expect(writePart10(viewer[1], sliceView(stack, 1))).toEqual(writePart10(records[1], sliceView(stack, 1)));
  });
});

test('refuses pixels that do not fit the record', () => {
  const stack = makeStack(8);
  const records = buildSeriesRecords(stack, geometry, createSeriesUids(3), { storage: 'export' });
  expect(() => writePart10(records[0], new Uint8Array(3))).toThrow(/slice 1 has 3 pixels, its record says 7×5/);
  expect(() => part10Parts(records[0], new Uint8Array(3))).toThrow(/slice 1 has 3 pixels, its record says 7×5/);
  expect(() => part10Parts(records[0], sliceView(stack, 0), new Uint16Array(34))).toThrow(/scratch holds 34 values, the slice has 35/);
});

test('part10Parts: head then pixel bytes are writePart10 bytes; 16-bit pixels are the volume itself, 8-bit are widened into the scratch given', () => {
  for (const bits of [8, 16] as const) {
    const stack = makeStack(bits);
    const records = buildSeriesRecords(stack, geometry, createSeriesUids(stack.slices), { storage: 'export', window: windowFromVoxels(stack.voxels) });
    const scratch = new Uint16Array(7 * 5 + 3); // longer than a slice: only the slice's part is used
    for (let k = 0; k < stack.slices; k++) {
      const [head, pixelBytes] = part10Parts(records[k], sliceView(stack, k), scratch);
      expect(head.length % 2).toBe(0);
      expect(Buffer.concat([head, pixelBytes]).equals(Buffer.from(writePart10(records[k], sliceView(stack, k))))).toBe(true);
      expect(pixelBytes.length).toBe(7 * 5 * 2);
      if (bits === 16) {
        expect(pixelBytes.buffer).toBe(stack.voxels.buffer);
        expect(pixelBytes.byteOffset).toBe(k * 7 * 5 * 2);
      } else {
        expect(pixelBytes.buffer).toBe(scratch.buffer);
        expect(pixelBytes.byteOffset).toBe(0);
      }
    }
    // without a scratch buffer, 8-bit pixels are widened into a new one
    const [, own] = part10Parts(records[0], sliceView(stack, 0));
    if (bits === 16) expect(own.buffer).toBe(stack.voxels.buffer);
    else expect(own.buffer).not.toBe(stack.voxels.buffer);
    expect(Array.from(new Uint16Array(own.buffer, own.byteOffset, 35))).toEqual(Array.from(sliceView(stack, 0)));
  }
});

test('refuses bytes that are not DICOM, naming the file', () => {
  expect(() => readPart10(new Uint8Array(200), 'x.dcm')).toThrow(/x\.dcm: not a readable DICOM Part-10 file/);
});

describe('dciodvfy (Debian package dicom3tools)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'imagestack-dciodvfy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function dciodvfy(file: string): { errors: string[]; warnings: string[]; report: string } {
    const result = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    if (result.error) throw new Error(`dciodvfy is not installed: apt-get install dicom3tools (${result.error.message})`);
    const report = `${result.stdout}${result.stderr}`;
    const lines = report.split('\n');
    return { errors: lines.filter(l => /^Error/.test(l)), warnings: lines.filter(l => /^Warning/.test(l)), report };
  }

  test.each([8, 16] as const)('finds no errors and no warnings in a file from %i-bit data', bits => {
    const stack = makeStack(bits);
    const records = buildSeriesRecords(stack, geometry, createSeriesUids(3), {
      storage: 'export',
      identity: { patientName: 'Doe^Jane', description: 'dciodvfy' },
      window: windowFromVoxels(stack.voxels),
    });
    const file = join(dir, `slice-${bits}.dcm`);
    writeFileSync(file, writePart10(records[2], sliceView(stack, 2)));
    const { errors, warnings, report } = dciodvfy(file);
    expect(report).toMatch(/CTImage/);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  test('a HU rescale (a capture window) passes with no errors and no warnings, and its tags read back', () => {
    const stack = makeStack(8);
    const rescale = captureWindowRescale(parseCaptureWindow('bone'));
    const records = buildSeriesRecords(stack, geometry, createSeriesUids(3), { storage: 'export', window: windowFromVoxels(stack.voxels), rescale });
    const file = join(dir, 'slice-hu.dcm');
    writeFileSync(file, writePart10(records[0], sliceView(stack, 0)));
    const { errors, warnings, report } = dciodvfy(file);
    expect(report).toMatch(/CTImage/);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    const back = readPart10(new Uint8Array(readFileSync(file)));
    expect(back.dataset.RescaleType).toBe('HU');
    expect(Number(back.dataset.RescaleSlope)).toBeCloseTo(1500 / 255, 12);
    expect(Number(back.dataset.RescaleIntercept)).toBe(-450);
    expect(back.pixels).toEqual(Uint16Array.from(sliceView(stack, 0)));
    expect(back.dataset.DerivationDescription).toMatch(/capture window \(bone\) level 300 width 1500; quantisation step 5\.88235 HU/);
  });
});

test('appending Pixel Data ourselves gives the same bytes as dcmjs writing the whole dataset', () => {
  // the reference: dcmjs writes every element, PixelData included (what writePart10 did before
  // it appended the pixels itself for speed)
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { data } = require('dcmjs');
  for (const bits of [8, 16] as const) {
    const stack = makeStack(bits);
    const records = buildSeriesRecords(stack, geometry, createSeriesUids(stack.slices), { storage: 'export', window: windowFromVoxels(stack.voxels) });
    const pixels = sliceView(stack, 1);
    const wide = new Uint16Array(pixels.length);
    wide.set(pixels);
    const meta = {
      FileMetaInformationVersion: Uint8Array.of(0, 1).buffer,
      MediaStorageSOPClassUID: records[1].SOPClassUID,
      MediaStorageSOPInstanceUID: records[1].SOPInstanceUID,
      TransferSyntaxUID: '1.2.840.10008.1.2.1',
      ImplementationClassUID: '2.25.31283611873336025446909395795392726703',
      ImplementationVersionName: 'IMAGESTACK_0_1',
    };
    const dict = new data.DicomDict(data.DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = data.DicomMetaDictionary.denaturalizeDataset({ ...records[1], PixelData: [wide.buffer], _vrMap: { PixelData: 'OW' } });
    expect(Buffer.from(writePart10(records[1], pixels)).equals(Buffer.from(dict.write()))).toBe(true);
  }
});
