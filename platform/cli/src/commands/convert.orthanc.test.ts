// Integration: `imagestack convert --stow` against a real Orthanc with the DICOMweb plugin, on a
// free loopback port with a temporary configuration and storage, started and stopped here.
// Needs the Debian packages `orthanc` and `orthanc-dicomweb`; fails loudly without them.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExportRecords, ORIENTATION_PRESETS, part10Files, readPart10, sliceView, stowInstances, type StackGeometry, type VoxelStack } from '@imagestack/core';
import { main } from '../cli';
import { convertStack } from './convert';

interface RunningOrthanc {
  /** http://127.0.0.1:<port> */
  url: string;
  /** http://127.0.0.1:<port>/dicom-web */
  dicomWebRoot: string;
  log(): string;
  stop(): Promise<void>;
}

// the one Orthanc starter, shared with the browser tests
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startOrthanc, freePort } = require('../../../../tests/lib/orthanc.cjs') as {
  startOrthanc: (o?: { timeoutMs?: number }) => Promise<RunningOrthanc>;
  freePort: () => Promise<number>;
};

/** The parts of a multipart/related response body, as bytes. */
function multipartParts(body: Uint8Array, contentType: string): Uint8Array[] {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) throw new Error(`no boundary in ${contentType}`);
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const delimiter = `--${m[1]}`;
  const parts: Uint8Array[] = [];
  let at = text.indexOf(delimiter);
  while (at >= 0) {
    const next = text.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    const part = text.slice(at + delimiter.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const start = at + delimiter.length + headerEnd + 4;
      const end = next - 2; // the CRLF before the next delimiter
      parts.push(body.subarray(start, end));
    }
    at = next;
  }
  return parts;
}

jest.setTimeout(60_000);

// Non-square pixels, a non-zero origin and a non-axial orientation: what the PACS stores must
// carry them unchanged.
const geometry: StackGeometry = {
  pixelSpacingXMm: 0.5,
  pixelSpacingYMm: 0.8,
  sliceSpacingMm: 1.25,
  originMm: [-10, 20.5, 30],
  orientation: [...ORIENTATION_PRESETS.coronal],
};

function makeStack(): VoxelStack {
  const columns = 32;
  const rows = 24;
  const slices = 5;
  const voxels = new Uint8Array(columns * rows * slices);
  for (let i = 0; i < voxels.length; i++) voxels[i] = (i * 31 + (i >> 7)) % 256;
  return { columns, rows, slices, bitsStored: 8, voxels, sliceNames: Array.from({ length: slices }, (_, k) => `s${k}.bmp`) };
}

let orthanc: RunningOrthanc;
let outRoot: string;

beforeAll(async () => {
  orthanc = await startOrthanc();
  outRoot = mkdtempSync(join(tmpdir(), 'imagestack-convert-stow-'));
});

afterAll(async () => {
  await orthanc?.stop();
  if (outRoot) rmSync(outRoot, { recursive: true, force: true });
});

test('a converted series sent by STOW-RS is found by QIDO-RS and retrieved by WADO-RS with the same pixels', async () => {
  const stack = makeStack();
  const result = await convertStack(stack, geometry, { out: join(outRoot, 'series'), stowUrl: orthanc.dicomWebRoot, identity: { description: 'orthanc it' } });
  expect(result.stow).toEqual({ accepted: 5, failed: 0, stored: expect.any(Array), failures: [] });
  expect(result.stow!.stored).toHaveLength(5);

  // QIDO-RS: the series, with the right instance count
  const qido = await fetch(`${orthanc.dicomWebRoot}/series?SeriesInstanceUID=${result.seriesInstanceUID}&includefield=00201209`, {
    headers: { Accept: 'application/dicom+json' },
  });
  expect(qido.status).toBe(200);
  const series = (await qido.json()) as Array<Record<string, { Value?: unknown[] }>>;
  expect(series).toHaveLength(1);
  expect(series[0]['00201209'].Value).toEqual([5]); // NumberOfSeriesRelatedInstances
  const studyUid = series[0]['0020000D'].Value![0] as string;

  const instances = (await (
    await fetch(`${orthanc.dicomWebRoot}/studies/${studyUid}/series/${result.seriesInstanceUID}/instances`, { headers: { Accept: 'application/dicom+json' } })
  ).json()) as Array<Record<string, { Value?: unknown[] }>>;
  expect(instances).toHaveLength(5);

  // WADO-RS: instance 3 (slice k = 2), its pixels and geometry as sent
  const k = 2;
  const sop = instances.find(i => i['00200013'].Value![0] === k + 1)!['00080018'].Value![0] as string;
  const wado = await fetch(`${orthanc.dicomWebRoot}/studies/${studyUid}/series/${result.seriesInstanceUID}/instances/${sop}`, {
    headers: { Accept: 'multipart/related; type="application/dicom"' },
  });
  expect(wado.status).toBe(200);
  const parts = multipartParts(new Uint8Array(await wado.arrayBuffer()), wado.headers.get('content-type') ?? '');
  expect(parts).toHaveLength(1);
  const { dataset, pixels } = readPart10(parts[0]);
  expect(Array.from(pixels)).toEqual(Array.from(sliceView(stack, k)));
  expect(dataset.PixelSpacing).toEqual([0.8, 0.5]);
  expect(dataset.ImagePositionPatient).toEqual([-10, 20.5 + 2 * 1.25, 30]);
  expect(dataset.ImageOrientationPatient).toEqual([1, 0, 0, 0, 0, -1]);
  expect(dataset.SeriesDescription).toBe('orthanc it');
});

test('a second send of the same series is reported honestly, instance by instance', async () => {
  // Orthanc accepts a re-sent instance (it overwrites or ignores it); either way the report
  // must account for every instance.
  const stack = makeStack();
  const result = await convertStack(stack, geometry, { out: join(outRoot, 'again'), stowUrl: orthanc.dicomWebRoot });
  expect(result.stow!.accepted + result.stow!.failed).toBe(5);
});

test('an instance the server cannot store is reported failed, the others accepted', async () => {
  const stack = makeStack();
  const [a, b] = part10Files(stack, buildExportRecords(stack, geometry));
  const garbage = { sopInstanceUID: '2.25.12345', bytes: new Uint8Array(400).fill(7) };
  const result = await stowInstances(orthanc.dicomWebRoot, [a, garbage, b], { retries: 0 });
  expect(result.accepted).toBe(2);
  expect(result.failed).toBe(1);
  expect(result.failures).toEqual([{ sopInstanceUID: '2.25.12345', reason: expect.stringMatching(/^not listed as stored by the server \(HTTP 400/) }]);
});

test('an unreachable server is reported as failed instances, and the files are still written', async () => {
  const stack = makeStack();
  const deadPort = await freePort(); // nothing listens there
  const dead = `http://127.0.0.1:${deadPort}`;
  const out = join(outRoot, 'dead');
  const started = Date.now();
  const result = await convertStack(stack, geometry, { out, stowUrl: `${dead}/dicom-web` });
  expect(result.stow!.accepted).toBe(0);
  expect(result.stow!.failed).toBe(5);
  expect(result.stow!.failures[0].reason).toBe(`could not reach 127.0.0.1:${deadPort} (ECONNREFUSED); gave up after 4 attempts`);
  expect(readdirSync(out).sort()).toEqual(['IMG0001.dcm', 'IMG0002.dcm', 'IMG0003.dcm', 'IMG0004.dcm', 'IMG0005.dcm']);
  expect(Date.now() - started).toBeLessThan(20_000);
});

/** A 24-bit BMP whose pixels are grey (R = G = B = value), rows stored bottom-up. */
function greyBmp(width: number, height: number, value: (x: number, y: number) => number): Uint8Array {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + stride * height;
  const b = Buffer.alloc(size);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(size, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(stride * height, 34);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) b.fill(value(x, y), row + x * 3, row + x * 3 + 3);
  }
  return new Uint8Array(b);
}

test('`imagestack convert <bmp folder> GEOMETRY --stow` end to end: crop, downsample and reverse land in the PACS as computed', async () => {
  const width = 32;
  const height = 24;
  const files = 5;
  const value = (f: number, x: number, y: number) => (f * 50 + x * 7 + y * 3) % 256;
  const dir = join(outRoot, 'bmp');
  mkdirSync(dir);
  for (let f = 0; f < files; f++) writeFileSync(join(dir, `slice${f + 1}.bmp`), greyBmp(width, height, (x, y) => value(f, x, y)));

  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {} };
  const argv = ['convert', dir, '--spacing', '0.5,0.8', '--slice-spacing', '1.25', '--origin', '-10,20.5,30', '--orientation', 'coronal'];
  argv.push('--crop', '2,2,28,20', '--downsample', '2', '--reverse', '--out', join(outRoot, 'bmp-out'), '--stow', orthanc.dicomWebRoot, '--json');
  expect(await main(argv, io)).toBe(0);
  expect(err.join('')).toBe('');
  const result = JSON.parse(out.join(''));
  expect(result).toMatchObject({ instances: 5, stow: { accepted: 5, failed: 0 } });

  const qido = await fetch(`${orthanc.dicomWebRoot}/series?SeriesInstanceUID=${result.seriesInstanceUID}&includefield=00201209`, {
    headers: { Accept: 'application/dicom+json' },
  });
  const series = (await qido.json()) as Array<Record<string, { Value?: unknown[] }>>;
  expect(series[0]['00201209'].Value).toEqual([5]);
  const studyUid = series[0]['0020000D'].Value![0] as string;
  const instances = (await (
    await fetch(`${orthanc.dicomWebRoot}/studies/${studyUid}/series/${result.seriesInstanceUID}/instances`, { headers: { Accept: 'application/dicom+json' } })
  ).json()) as Array<Record<string, { Value?: unknown[] }>>;

  // Instance 1 is the last file (reversed); pixel (i, j) is the mean of the 2×2 block at
  // (2 + 2i, 2 + 2j) of the original, rounded half up.
  const sop = instances.find(i => i['00200013'].Value![0] === 1)!['00080018'].Value![0] as string;
  const wado = await fetch(`${orthanc.dicomWebRoot}/studies/${studyUid}/series/${result.seriesInstanceUID}/instances/${sop}`, {
    headers: { Accept: 'multipart/related; type="application/dicom"' },
  });
  const [part] = multipartParts(new Uint8Array(await wado.arrayBuffer()), wado.headers.get('content-type') ?? '');
  const { dataset, pixels } = readPart10(part);
  const expected: number[] = [];
  for (let j = 0; j < 10; j++) {
    for (let i = 0; i < 14; i++) {
      let sum = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) sum += value(files - 1, 2 + 2 * i + dx, 2 + 2 * j + dy);
      expected.push(Math.floor((sum + 2) / 4));
    }
  }
  expect([dataset.Columns, dataset.Rows]).toEqual([14, 10]);
  expect(Array.from(pixels)).toEqual(expected);
  // crop moves the origin 2 columns along +x (×0.5) and 2 rows along −z (×0.8); downsampling
  // by 2 moves it half an original pixel further along both
  expect(dataset.PixelSpacing).toEqual([1.6, 1]);
  expect(dataset.ImagePositionPatient).toEqual([-10 + 1 + 0.25, 20.5, 30 - 1.6 - 0.4]);
  expect(dataset.SliceThickness).toBe(1.25);
});
