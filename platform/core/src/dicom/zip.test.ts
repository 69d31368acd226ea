import { unzipSync } from 'fflate';
import type { VoxelStack } from '../stack/types';
import { stackFromPart10 } from './readSeries';
import { buildExportRecords, part10Files } from './series';
import { zipPart10FilesAsync, zipPart10FilesSync } from './zip';
import { NON_SQUARE_AXIAL } from '../../../../tests/fixtures/geometry';

const geometry = NON_SQUARE_AXIAL;

const stack: VoxelStack = {
  columns: 16,
  rows: 8,
  slices: 3,
  bitsStored: 8,
  voxels: Uint8Array.from({ length: 16 * 8 * 3 }, (_, i) => (i * 13) % 256),
  sliceNames: [],
};

test.each([0, 1] as const)('a zipped series (level %i) unzips to the same files and reads back as the same stack', level => {
  const files = [...part10Files(stack, buildExportRecords(stack, geometry))];
  const zip = zipPart10FilesSync(files, { folder: 'my/series', level });
  const entries = unzipSync(zip);
  expect(Object.keys(entries).sort()).toEqual(['my_series/IMG0001.dcm', 'my_series/IMG0002.dcm', 'my_series/IMG0003.dcm']);
  for (const f of files) expect(entries[`my_series/${f.fileName}`]).toEqual(f.bytes);
  const back = stackFromPart10(Object.entries(entries).map(([name, bytes]) => ({ name, bytes })));
  expect(back.stack.voxels).toEqual(stack.voxels);
  if (level === 1) expect(zip.length).toBeLessThan(files.reduce((n, f) => n + f.bytes.length, 0) * 0.7);
});

test('the async zip (for the viewer) writes the same bytes as the sync one, reports progress and can be cancelled', async () => {
  const records = buildExportRecords(stack, geometry);
  const mtime = new Date(Date.UTC(2026, 0, 2, 3, 4, 6));
  const sync = zipPart10FilesSync(part10Files(stack, records), { folder: 'series', mtime });
  const chunks: Uint8Array[] = [];
  const progress: number[] = [];
  await zipPart10FilesAsync(part10Files(stack, records), chunk => chunks.push(chunk), { folder: 'series', mtime, onProgress: n => progress.push(n) });
  expect(Buffer.concat(chunks)).toEqual(Buffer.from(sync));
  expect(progress).toEqual([1, 2, 3]);

  const controller = new AbortController();
  const seen: number[] = [];
  const run = zipPart10FilesAsync(part10Files(stack, records), () => undefined, {
    signal: controller.signal,
    onProgress: n => {
      seen.push(n);
      if (n === 1) controller.abort();
    },
  });
  await expect(run).rejects.toMatchObject({ code: 'cancelled' });
  expect(seen).toEqual([1]);
});
