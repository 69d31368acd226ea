import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExportRecords, part10Files, readPart10, windowFromVoxels, type VoxelStack } from '@imagestack/core';
import { spawnSync } from 'node:child_process';
import { encode } from 'fast-png';
import { main } from '../cli';
import { NON_SQUARE_AXIAL } from '../../../../tests/fixtures/geometry';

function collect(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env }, out, err };
}

const geometry = NON_SQUARE_AXIAL;

function makeStack(slices = 3): VoxelStack {
  const voxels = new Uint8Array(8 * 6 * slices);
  for (let i = 0; i < voxels.length; i++) voxels[i] = (i * 11) % 256;
  return { columns: 8, rows: 6, slices, bitsStored: 8, voxels, sliceNames: [] };
}

/** A DICOM series of `slices` files, as convert writes them, in a new folder of `root`. */
function writeDicomSeries(dir: string, slices: number): void {
  mkdirSync(dir);
  const stack = makeStack(slices);
  for (const f of part10Files(stack, buildExportRecords(stack, geometry, { identity: { description: 'source' } }))) writeFileSync(join(dir, f.fileName), f.bytes);
}

let root: string;
let dicomDir: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'imagestack-convert-'));
  dicomDir = join(root, 'dicom');
  writeDicomSeries(dicomDir, 3);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('a DICOM series folder converts with the geometry of its files; --json prints one object', async () => {
  const c = collect();
  const out = join(root, 'out-json');
  expect(await main(['convert', dicomDir, '--out', out, '--json'], c.io)).toBe(0);
  expect(c.err.join('')).toBe('');
  const result = JSON.parse(c.out.join(''));
  expect(result).toEqual({ instances: 3, out, seriesInstanceUID: expect.stringMatching(/^2\.25\.\d+$/), stow: null });
  const files = readdirSync(out).sort();
  expect(files).toEqual(['IMG0001.dcm', 'IMG0002.dcm', 'IMG0003.dcm']);
  const second = readPart10(new Uint8Array(readFileSync(join(out, 'IMG0002.dcm'))));
  const source = readPart10(new Uint8Array(readFileSync(join(dicomDir, 'IMG0002.dcm'))));
  expect(second.pixels).toEqual(source.pixels);
  expect(second.dataset.ImagePositionPatient).toEqual([-10, 20.5, 31.25]);
  expect(second.dataset.PixelSpacing).toEqual([0.8, 0.5]);
  expect(second.dataset.SeriesInstanceUID).toBe(result.seriesInstanceUID);
  expect(second.dataset.SeriesDescription).toBe('source');
});

test('human output names the count, folder and series', async () => {
  const c = collect();
  expect(await main(['convert', dicomDir, '--out', join(root, 'out-text')], c.io)).toBe(0);
  expect(c.out.join('')).toMatch(/^wrote 3 DICOM files to .*out-text \(series 2\.25\.\d+\)\n$/);
});

test('refuses an output folder that already holds a series', async () => {
  const c = collect();
  expect(await main(['convert', dicomDir, '--out', dicomDir], c.io)).toBe(1);
  expect(c.err.join('')).toMatch(/dicom: already holds 3 DICOM file\(s\) \(IMG0001\.dcm…\); choose an empty folder/);
});

test('a DICOM series takes no GEOMETRY flags', async () => {
  const c = collect();
  expect(await main(['convert', dicomDir, '--spacing', '1', '--slice-spacing', '1', '--out', join(root, 'x')], c.io)).toBe(2);
  expect(c.err.join('')).toMatch(/DICOM series, whose files give the geometry/);
});

describe('image slices', () => {
  let images: string;
  beforeAll(() => {
    images = join(root, 'images');
    mkdirSync(images);
    writeFileSync(join(images, 'a.bmp'), Buffer.from('BM not really'));
  });

  test('need --spacing and --slice-spacing: there is no default', async () => {
    const c = collect();
    expect(await main(['convert', images, '--out', join(root, 'y')], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--spacing is required: pixel spacing in mm as x or x,y \(there is no default\)/);
  });

  test('a folder mixing DICOM and images is refused, naming the odd file', async () => {
    writeFileSync(join(images, 'IMG0001.dcm'), readFileSync(join(dicomDir, 'IMG0001.dcm')));
    const c = collect();
    expect(await main(['convert', images, '--out', join(root, 'z')], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/a\.bmp: is not DICOM, but IMG0001\.dcm is/);
    rmSync(join(images, 'IMG0001.dcm'));
  });
});

test.each([
  [['convert', '--out', 'x'], /give at least one folder or file/],
  [['convert', 'in'], /--out <dir> is required/],
  [['convert', 'in', '--out'], /--out needs a value/],
  [['convert', 'in', '--out', 'x', '--frobnicate'], /unknown option --frobnicate/],
])('usage error for %p', async (argv, message) => {
  const c = collect();
  expect(await main(argv, c.io)).toBe(2);
  expect(c.err.join('')).toMatch(message);
});

test('a missing input is named', async () => {
  const c = collect();
  expect(await main(['convert', join(root, 'nope'), '--out', join(root, 'n')], c.io)).toBe(1);
  expect(c.err.join('')).toMatch(/nope: cannot be read \(ENOENT\)/);
});

describe('--stow', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      req.resume();
      req.on('end', () => {
        res.writeHead(401, 'Unauthorized');
        res.end();
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/dicom-web`;
  });
  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  test('sends the token from IMAGESTACK_DICOMWEB_TOKEN, reports refusal with exit 1, never prints the token', async () => {
    const c = collect({ IMAGESTACK_DICOMWEB_TOKEN: 'tok-123-secret' });
    expect(await main(['convert', dicomDir, '--out', join(root, 'stow'), '--stow', url, '--json'], c.io)).toBe(1);
    expect(seen[0]).toBe('Bearer tok-123-secret');
    const result = JSON.parse(c.out.join(''));
    expect(result.stow).toMatchObject({ accepted: 0, failed: 3 });
    // which instances, and why, one line each
    const err = c.err.join('').split('\n');
    expect(err[0]).toMatch(/^imagestack convert: 3 of 3 instances were not confirmed stored by http:\/\/127\.0\.0\.1:\d+\/dicom-web:$/);
    expect(err.slice(1, 4)).toEqual(['IMG0001.dcm', 'IMG0002.dcm', 'IMG0003.dcm'].map(f => `  ${f}: not authorized by the server (HTTP 401): check the DICOMweb token`));
    expect(err[4]).toMatch(/^  \(every file is in .*stow; 0 were stored; `imagestack send <those files> --stow …` sends just them again\)$/);
    expect(result.stow.failures.map((f: { file: string }) => f.file)).toEqual(['IMG0001.dcm', 'IMG0002.dcm', 'IMG0003.dcm']);
    expect(c.out.join('') + c.err.join('')).not.toContain('tok-123-secret');
  });
});

test('Ctrl-C (an aborted signal) stops convert with one line that says the series is partial and how much of it is written, and progress is reported', async () => {
  // more files than are written at once, so some are not yet started when the first is done
  const source = join(root, 'dicom-12');
  writeDicomSeries(source, 12);
  const c = collect();
  const controller = new AbortController();
  const steps: number[] = [];
  const io = { ...c.io, signal: controller.signal, progress: (_step: string, f: number) => (steps.push(f), controller.abort()) };
  const out = join(root, 'out-cancel');
  const code = await main(['convert', source, '--out', out], io);
  expect(code).toBe(1);
  const m = /^imagestack convert: .*out-cancel: stopped after (\d+) of 12 files: the folder holds a partial series\n$/.exec(c.err.join(''));
  expect(m).not.toBeNull();
  // the files in flight when it stopped were finished: the count is what the folder holds, each file whole
  const files = readdirSync(out).sort();
  expect(files.length).toBe(Number(m![1]));
  expect(files.length).toBeLessThan(12);
  for (const name of files) expect(readPart10(new Uint8Array(readFileSync(join(out, name)))).pixels.length).toBe(8 * 6);
  expect(steps[0]).toBeCloseTo(1 / 12, 10);
  expect(steps.map(f => Math.round(f * 12))).toEqual(files.map((_, i) => i + 1));
});

describe('dciodvfy on what convert writes (Debian package dicom3tools)', () => {
  let slices: string;
  beforeAll(() => {
    slices = join(root, 'png');
    mkdirSync(slices);
    for (let k = 0; k < 3; k++) {
      const data = Uint8Array.from({ length: 12 * 10 }, (_, i) => (i * 7 + k * 40) % 256);
      writeFileSync(join(slices, `s${k + 1}.png`), encode({ width: 12, height: 10, data, channels: 1, depth: 8 }));
    }
  });

  function verify(file: string) {
    const result = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    if (result.error) throw new Error(`dciodvfy is not installed: apt-get install dicom3tools (${result.error.message})`);
    const lines = `${result.stdout}${result.stderr}`.split('\n');
    return { iod: lines.find(l => /Image$/.test(l.trim())), errors: lines.filter(l => /^Error/.test(l)), warnings: lines.filter(l => /^Warning/.test(l)) };
  }

  test.each([
    ['grey levels', [] as string[], undefined],
    ['a capture window (approximate HU)', ['--capture-window', '-600,1500'], 'HU'],
  ])('%s: 0 errors and 0 warnings', async (_name, flags, rescaleType) => {
    const out = join(root, `dciodvfy-${rescaleType ?? 'grey'}`);
    const c = collect();
    expect(await main(['convert', slices, '--spacing', '0.5,0.8', '--slice-spacing', '2', ...flags, '--out', out, '--json'], c.io)).toBe(0);
    for (const name of readdirSync(out)) expect(verify(join(out, name))).toEqual({ iod: 'CTImage', errors: [], warnings: [] });
    const file = readPart10(new Uint8Array(readFileSync(join(out, 'IMG0002.dcm'))));
    expect(file.dataset.RescaleType).toBe(rescaleType);
    if (rescaleType) {
      // lung: HU = grey · 1500/255 + (-600 - 750); stored values are the grey levels unchanged
      expect(Number(file.dataset.RescaleSlope)).toBeCloseTo(1500 / 255, 12);
      expect(Number(file.dataset.RescaleIntercept)).toBe(-1350);
      expect(JSON.parse(c.out.join('')).captureWindow).toMatchObject({ level: -600, width: 1500 });
    } else {
      expect([Number(file.dataset.RescaleSlope), Number(file.dataset.RescaleIntercept)]).toEqual([1, 0]);
    }
    expect(Array.from(file.pixels.subarray(0, 3))).toEqual([40, 47, 54]);
    if (!rescaleType) {
      // the window counted while decoding is the rule's window of every voxel written (grey levels: no rescale)
      const all = readdirSync(out).sort().flatMap(name => Array.from(readPart10(new Uint8Array(readFileSync(join(out, name)))).pixels));
      const w = windowFromVoxels(Uint8Array.from(all));
      expect([Number(file.dataset.WindowCenter), Number(file.dataset.WindowWidth)]).toEqual([w.center, w.width]);
    }
  });
});
