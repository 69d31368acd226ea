// mesh with the import's flip/rotation and gap handling: the sidecar records what was done.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBmp } from '../../../../tests/fixtures/images/bmpWriter';
import { main } from '../cli';

const W = 12;
const H = 10;
let root: string;
let gapped: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'imagestack-mesh-geometry-'));
  gapped = join(root, 'gapped');
  mkdirSync(gapped);
  for (const n of [1, 2, 4, 5, 6]) {
    const rgb = new Uint8Array(W * H * 3);
    for (let y = 3; y < 7; y++) for (let x = 3; x < 9; x++) rgb.fill(200, (y * W + x) * 3, (y * W + x) * 3 + 3);
    writeFileSync(join(gapped, `s${n}.bmp`), writeBmp({ width: W, height: H, bitCount: 24, rgb }));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the sidecar records the typed calibration, the orientation and the filled gap', async () => {
  const stl = join(root, 'model.stl');
  const err: string[] = [];
  const io = { stdout: () => undefined, stderr: (s: string) => err.push(s), env: {} };
  const code = await main(['mesh', gapped, '--spacing', '0.5,0.8', '--slice-spacing', '1', '--rotate', '90', '--gaps', 'fill', '--threshold', '100', '--stl', stl], io);
  expect(err.join('')).toBe('');
  expect(code).toBe(0);
  const sidecar = JSON.parse(readFileSync(`${stl}.json`, 'utf8'));
  expect(sidecar.calibration).toEqual({ method: 'typed' });
  expect(sidecar.orientation).toMatchObject({ flip: 'none', rotate: 90, mirrorsCapture: false });
  expect(sidecar.gaps).toEqual({ policy: 'fill', missing: 1, filled: ['s3.bmp (interpolated)'] });
  // turned a quarter: 10 columns × 12 rows, x and y spacing swapped
  expect(sidecar.dims).toEqual([H, W, 6]);
  expect(sidecar.geometry).toMatchObject({ pixelSpacingXMm: 0.8, pixelSpacingYMm: 0.5 });
});

test('a gapped stack without --gaps is refused in one line', async () => {
  const err: string[] = [];
  const io = { stdout: () => undefined, stderr: (s: string) => err.push(s), env: {} };
  expect(await main(['mesh', gapped, '--spacing', '0.5', '--slice-spacing', '1', '--threshold', '100', '--stl', join(root, 'x.stl')], io)).toBe(1);
  expect(err.join('')).toMatch(/^imagestack mesh: slice number 3 is missing \(after s2\.bmp\): give --gaps fill .* or --gaps continuous .*\n$/);
});
