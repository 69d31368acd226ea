// convert with the import's flip/rotation and gap handling, end to end on BMP files.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPart10 } from '@imagestack/core';
import { writeBmp } from '../../../../tests/fixtures/images/bmpWriter';
import { main } from '../cli';

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env: {} }, out, err };
}

const W = 8;
const H = 6;
let root: string;
let gapped: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'imagestack-convert-geometry-'));
  gapped = join(root, 'gapped');
  mkdirSync(gapped);
  for (const n of [1, 2, 4, 5]) {
    const rgb = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) rgb.fill(n * 40 + (i % W), i * 3, i * 3 + 3);
    writeFileSync(join(gapped, `slice_${String(n).padStart(3, '0')}.bmp`), writeBmp({ width: W, height: H, bitCount: 24, rgb }));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GEOMETRY = ['--spacing', '0.5,0.8', '--slice-spacing', '2', '--origin', '10,20,30'];
const read = (dir: string, name: string) => readPart10(new Uint8Array(readFileSync(join(dir, name))));

test('a gapped stack is refused without --gaps: one line with the missing number and the flag', async () => {
  const c = collect();
  expect(await main(['convert', gapped, ...GEOMETRY, '--out', join(root, 'refused')], c.io)).toBe(1);
  expect(c.err.join('')).toBe(
    'imagestack convert: slice number 3 is missing (after slice_002.bmp): give --gaps fill to interpolate the missing slices at their numbered places, or --gaps continuous to stack the files as if none were missing\n',
  );
});

test('--gaps fill: five instances at the numbered positions, the filled one interpolated and marked', async () => {
  const out = join(root, 'filled');
  expect(await main(['convert', gapped, ...GEOMETRY, '--gaps', 'fill', '--out', out, '--json'], collect().io)).toBe(0);
  for (let n = 1; n <= 5; n++) {
    const f = read(out, `IMG000${n}.dcm`);
    expect(f.dataset.ImagePositionPatient).toEqual([10, 20, 30 + (n - 1) * 2]);
    expect(f.dataset.ImageComments).toBe(n === 3 ? 'interpolated from neighbours' : undefined);
  }
  // (2·40 + 4·40) / 2 = 120 at column 0
  expect(read(out, 'IMG0003.dcm').pixels[0]).toBe(120);
});

test('--gaps continuous: four instances one spacing apart', async () => {
  const out = join(root, 'continuous');
  expect(await main(['convert', gapped, ...GEOMETRY, '--gaps', 'continuous', '--out', out], collect().io)).toBe(0);
  expect(read(out, 'IMG0004.dcm').dataset.ImagePositionPatient).toEqual([10, 20, 36]);
});

test('--rotate 90: columns and rows, and the pixel spacing, swap; the pixels are turned clockwise', async () => {
  const out = join(root, 'rotated');
  expect(await main(['convert', gapped, ...GEOMETRY, '--gaps', 'continuous', '--rotate', '90', '--out', out], collect().io)).toBe(0);
  const f = read(out, 'IMG0001.dcm');
  expect([f.dataset.Columns, f.dataset.Rows]).toEqual([H, W]);
  expect(f.dataset.PixelSpacing).toEqual([0.5, 0.8]);
  expect(f.dataset.ImageOrientationPatient).toEqual([1, 0, 0, 0, 1, 0]);
  // The capture's top row (values 40 + x) is now the right-hand column, top to bottom.
  for (let y = 0; y < W; y++) expect(f.pixels[y * H + (H - 1)]).toBe(40 + y);
});

test('--flip rows warns that it mirrors the patient', async () => {
  const c = collect();
  expect(await main(['convert', gapped, ...GEOMETRY, '--gaps', 'continuous', '--flip', 'rows', '--out', join(root, 'flipped')], c.io)).toBe(0);
  expect(c.err.join('')).toMatch(/^imagestack convert: The slices are flipped upside down: this MIRRORS the patient/);
});
