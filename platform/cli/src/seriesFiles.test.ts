import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExportRecords, sliceView, writePart10, type VoxelStack } from '@imagestack/core';
import { writeSeriesFiles, WRITES_IN_FLIGHT } from './seriesFiles';
import { NON_SQUARE_AXIAL } from '../../../tests/fixtures/geometry';

const geometry = NON_SQUARE_AXIAL;

/** Odd sizes, every voxel different from its neighbours; 16-bit values above 255. */
function makeStack(bitsStored: 8 | 16, slices = 9): VoxelStack {
  const n = 13 * 11 * slices;
  const voxels = bitsStored === 8 ? new Uint8Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) voxels[i] = bitsStored === 8 ? (i * 37) % 256 : (i * 4099) % 65536;
  return { columns: 13, rows: 11, slices, bitsStored, voxels, sliceNames: [] };
}

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'imagestack-series-files-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const folder = (name: string) => {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
};

test.each([
  [8, 1],
  [8, 3],
  [8, WRITES_IN_FLIGHT],
  [16, 1],
  [16, WRITES_IN_FLIGHT],
] as const)('%i-bit, %i in flight: every file is the bytes writePart10 makes of its slice, and progress counts each file once', async (bits, inFlight) => {
  const stack = makeStack(bits);
  const records = buildExportRecords(stack, geometry, { identity: { description: 'files' } });
  const out = folder(`same-${bits}-${inFlight}`);
  const progress: number[] = [];
  await writeSeriesFiles(stack, records, out, { inFlight, onProgress: (written, total) => progress.push(written / total) });
  expect(readdirSync(out).sort()).toEqual(Array.from({ length: 9 }, (_, k) => `IMG000${k + 1}.dcm`));
  for (let k = 0; k < stack.slices; k++) {
    const file = readFileSync(join(out, `IMG000${k + 1}.dcm`));
    expect({ k, same: file.equals(Buffer.from(writePart10(records[k], sliceView(stack, k)))) }).toEqual({ k, same: true });
  }
  expect(progress).toEqual(Array.from({ length: 9 }, (_, k) => (k + 1) / 9));
});

test('files larger than one write call (512 KiB) are whole: pieces across the head and the pixels', async () => {
  const n = 811 * 700; // 1.1 MB of 16-bit values per file: three pieces, the first with the head
  for (const bits of [8, 16] as const) {
    const voxels = bits === 8 ? new Uint8Array(n * 2) : new Uint16Array(n * 2);
    for (let i = 0; i < voxels.length; i++) voxels[i] = bits === 8 ? (i * 13) % 251 : (i * 7919) % 65521;
    const stack: VoxelStack = { columns: 811, rows: 700, slices: 2, bitsStored: bits, voxels, sliceNames: [] };
    const records = buildExportRecords(stack, geometry);
    const out = folder(`large-${bits}`);
    await writeSeriesFiles(stack, records, out);
    for (let k = 0; k < 2; k++) expect(readFileSync(join(out, `IMG000${k + 1}.dcm`)).equals(Buffer.from(writePart10(records[k], sliceView(stack, k))))).toBe(true);
  }
});

test('a file that cannot be written is named, after the files in flight are done', async () => {
  const stack = makeStack(8);
  const records = buildExportRecords(stack, geometry);
  const out = folder('unwritable');
  mkdirSync(join(out, 'IMG0003.dcm')); // a folder where the third file goes
  await expect(writeSeriesFiles(stack, records, out)).rejects.toMatchObject({
    code: 'io',
    file: join(out, 'IMG0003.dcm'),
    message: expect.stringMatching(/IMG0003\.dcm: cannot write \(EISDIR\)$/),
  });
  // no file is started after the failure: at most the ones already in flight beside it
  const written = readdirSync(out).filter(name => name !== 'IMG0003.dcm');
  expect(written.length).toBeLessThanOrEqual(2 + WRITES_IN_FLIGHT - 1);
  for (const name of written) {
    const k = Number(/\d+/.exec(name)![0]) - 1;
    expect(readFileSync(join(out, name)).equals(Buffer.from(writePart10(records[k], sliceView(stack, k))))).toBe(true);
  }
});

test('an aborted signal stops before the next file and says how many are written', async () => {
  const stack = makeStack(8);
  const records = buildExportRecords(stack, geometry);
  const before = new AbortController();
  before.abort();
  await expect(writeSeriesFiles(stack, records, folder('aborted'), { signal: before.signal })).rejects.toMatchObject({
    code: 'cancelled',
    message: expect.stringMatching(/aborted: stopped after 0 of 9 files: the folder holds a partial series$/),
  });
  expect(readdirSync(join(root, 'aborted'))).toEqual([]);

  const during = new AbortController();
  const out = folder('aborted-during');
  let error: { message: string } | undefined;
  await writeSeriesFiles(stack, records, out, { signal: during.signal, inFlight: 2, onProgress: () => during.abort() }).catch(e => (error = e));
  const written = /stopped after (\d+) of 9 files/.exec(error?.message ?? '');
  expect(written).not.toBeNull();
  expect(readdirSync(out).length).toBe(Number(written![1]));
  expect(Number(written![1])).toBe(2); // the first file, and the one in flight beside it
});
