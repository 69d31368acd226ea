// Integration: the PACS dies in the middle of `imagestack convert --stow` (a real Orthanc with
// its DICOMweb plugin, killed with SIGKILL while the series is being sent). The report must
// count as stored only what Orthanc confirmed, name every other file, exit non-zero; and
// resending just the files it named (`imagestack send`), once Orthanc is back, must complete
// the series.
// Needs the Debian packages `orthanc` and `orthanc-dicomweb`; fails loudly without them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORIENTATION_PRESETS, type StackGeometry, type VoxelStack } from '@imagestack/core';
import { main } from '../cli';
import { convertStack } from './convert';

interface RunningOrthanc {
  url: string;
  dicomWebRoot: string;
  log(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

// the one Orthanc starter, shared with the browser tests
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { startOrthanc, qido } = require('../../../../tests/lib/orthanc.cjs') as {
  startOrthanc: (o?: { timeoutMs?: number }) => Promise<RunningOrthanc>;
  qido: (root: string, query: string) => Promise<Array<Record<string, { Value?: unknown[] }>>>;
};

jest.setTimeout(120_000);

const SLICES = 60; // three STOW-RS requests of 20
const geometry: StackGeometry = { pixelSpacingXMm: 0.7, pixelSpacingYMm: 0.7, sliceSpacingMm: 1, originMm: [0, 0, 0], orientation: [...ORIENTATION_PRESETS.axial] };

function makeStack(): VoxelStack {
  const columns = 16;
  const rows = 12;
  const voxels = new Uint8Array(columns * rows * SLICES);
  for (let i = 0; i < voxels.length; i++) voxels[i] = (i * 13) % 256;
  return { columns, rows, slices: SLICES, bitsStored: 8, voxels, sliceNames: Array.from({ length: SLICES }, (_, k) => `s${k}.dcm`) };
}

let orthanc: RunningOrthanc;
let root: string;
beforeAll(async () => {
  orthanc = await startOrthanc();
  root = mkdtempSync(join(tmpdir(), 'imagestack-stow-fault-'));
});
afterAll(async () => {
  await orthanc?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('Orthanc killed mid-send: only confirmed instances count, the rest are named, exit 1; resending those completes the series', async () => {
  // the input: a DICOM series on disk (convert re-encodes it as a new series)
  const source = join(root, 'source');
  await convertStack(makeStack(), geometry, { out: source });

  // The first request (files 1–20) goes when file 21 is pulled; kill Orthanc as file 30 is
  // written, so the second request meets a dead server and the third never finds it back.
  let killed: Promise<void> | null = null;
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (t: string) => out.push(t),
    stderr: (t: string) => err.push(t),
    env: {},
    progress: (_step: string, fraction: number) => {
      if (!killed && fraction >= 30 / SLICES) killed = orthanc.kill();
    },
  };
  const sent = join(root, 'sent');
  const code = await main(['convert', source, '--out', sent, '--stow', orthanc.dicomWebRoot, '--json'], io);
  await killed;
  expect(code).toBe(1);
  const result = JSON.parse(out.join(''));
  const { stow } = result;
  expect(stow.accepted + stow.failed).toBe(SLICES);
  expect(stow.stored).toHaveLength(stow.accepted);
  expect(stow.accepted).toBe(20);
  const failedFiles: string[] = stow.failures.map((f: { file: string }) => f.file);
  expect(failedFiles).toEqual(Array.from({ length: 40 }, (_, k) => `IMG${String(k + 21).padStart(4, '0')}.dcm`));
  for (const f of stow.failures) expect(f.reason).toMatch(/^could not reach 127\.0\.0\.1:\d+ \((ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|other side closed)\); gave up after 4 attempts$/);
  // stderr says which, one line each, and how many were stored
  const lines = err.join('').trimEnd().split('\n');
  expect(lines[0]).toBe(`imagestack convert: 40 of 60 instances were not confirmed stored by ${orthanc.dicomWebRoot}:`);
  expect(lines[1]).toMatch(/^  IMG0021\.dcm: could not reach/);
  expect(lines.at(-1)).toMatch(/; 20 were stored; `imagestack send <those files> --stow …` sends just them again\)$/);

  // Orthanc comes back with what it had stored: exactly the confirmed instances
  await orthanc.restart();
  const series = () => qido(orthanc.dicomWebRoot, `series?SeriesInstanceUID=${result.seriesInstanceUID}&includefield=00201209`);
  expect((await series())[0]['00201209'].Value).toEqual([20]);

  // resend only the files the report named, as a user would: `imagestack send <files> --stow`
  const out2: string[] = [];
  const err2: string[] = [];
  const io2 = { stdout: (t: string) => out2.push(t), stderr: (t: string) => err2.push(t), env: {} };
  expect(await main(['send', ...failedFiles.map(f => join(sent, f)), '--stow', orthanc.dicomWebRoot, '--json'], io2)).toBe(0);
  expect(err2.join('')).toBe('');
  expect(JSON.parse(out2.join(''))).toEqual({
    instances: 40,
    stow: { accepted: 40, failed: 0, stored: stow.failures.map((f: { sopInstanceUID: string }) => f.sopInstanceUID), failures: [] },
  });
  expect((await series())[0]['00201209'].Value).toEqual([60]);
});
