import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeBmp } from '../../../../tests/fixtures/images/bmpWriter';
import { tempDir } from '../../../../tests/fixtures/images/magick';
import { main } from '../cli';

const tmp = tempDir('imagestack-info-');
afterAll(() => tmp.cleanup());

function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return main(argv, { stdout: s => out.push(s), stderr: s => err.push(s), env: {} }).then(code => ({ code, out: out.join(''), err: err.join('') }));
}

const W = 20;
const H = 10;
const grey = (v: number) => new Uint8Array(W * H * 3).fill(v);
const dir = tmp.file('slices');
mkdirSync(dir);
for (const k of [1, 2, 4]) writeFileSync(path.join(dir, `scan_${k}.bmp`), writeBmp({ width: W, height: H, bitCount: 24, rgb: grey(k * 10) }));
const red = grey(50);
red.set([255, 0, 0], 0);
writeFileSync(path.join(dir, 'scan_5.bmp'), writeBmp({ width: W, height: H, bitCount: 24, rgb: red }));
writeFileSync(path.join(dir, 'scan_6.bmp'), writeBmp({ width: W, height: H, bitCount: 24, rgb: grey(40), topDown: true })); // same pixels as scan_4
writeFileSync(path.join(dir, 'readme.txt'), 'hello\n');

test('--json prints the contract of DESIGN.md as one object', async () => {
  const r = await run('info', dir, '--json', '--workers', '2');
  expect(r.code).toBe(0);
  expect(r.err).toBe('');
  expect(r.out.trim().split('\n')).toHaveLength(1);
  const j = JSON.parse(r.out);
  expect(j).toMatchObject({
    files: 5,
    width: W,
    height: H,
    bitDepth: 8,
    format: 'bmp',
    order: ['scan_1.bmp', 'scan_2.bmp', 'scan_4.bmp', 'scan_5.bmp', 'scan_6.bmp'],
    skipped: [{ name: 'readme.txt', reason: 'text file' }],
    gaps: [{ after: 'scan_2.bmp', before: 'scan_4.bmp', missing: [3], missingCount: 1 }],
    duplicates: [{ slice: 'scan_6.bmp', sameAs: 'scan_4.bmp' }],
    memoryBytes: W * H * 5,
  });
  expect(j.colouredFraction).toBeCloseTo(1 / (W * H * 5), 15);
});

test('human output names order, gaps, duplicates, colour and memory', async () => {
  const r = await run('info', dir, '--reverse', '--downsample', '2');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^5 slices from 5 files \(BMP 24-bit(; BMP 24-bit top-down)?\)/);
  expect(r.out).toMatch(/order: +scan_6\.bmp … scan_1\.bmp \(reversed\)/);
  expect(r.out).toMatch(/→ 10 × 5 after crop\/downsample/);
  expect(r.out).toMatch(/1 missing between scan_2\.bmp and scan_4\.bmp/);
  expect(r.out).toMatch(/scan_4\.bmp = scan_6\.bmp/);
  expect(r.out).toMatch(/memory: +250 bytes/);
  expect(r.out).toMatch(/readme\.txt \(text file\)/);
});

test('bad input: exit 1 and one line naming the file; bad flags: exit 2 with usage', async () => {
  const bad = tmp.file('bad');
  mkdirSync(bad);
  writeFileSync(path.join(bad, 'a.bmp'), writeBmp({ width: W, height: H, bitCount: 24, rgb: grey(1) }));
  writeFileSync(path.join(bad, 'b.bmp'), new Uint8Array(0));
  const r = await run('info', bad);
  expect(r.code).toBe(1);
  expect(r.err).toBe('imagestack info: b.bmp: the file is empty (0 bytes)\n');
  const u = await run('info', dir, '--frobnicate');
  expect(u.code).toBe(2);
  expect(u.err).toMatch(/unknown option --frobnicate/);
  expect((await run('info')).code).toBe(2);
  expect((await run('info', dir, '--crop', '1,2,3')).code).toBe(1);
});

test('two folders: sorted folder by folder, and the output says it mixed them', async () => {
  const other = tmp.file('slices2');
  mkdirSync(other);
  for (const k of [1, 2]) writeFileSync(path.join(other, `scan_${k}.bmp`), writeBmp({ width: W, height: H, bitCount: 24, rgb: grey(100 + k) }));
  const j = JSON.parse((await run('info', other, dir, '--json')).out);
  expect(j.order.slice(0, 2)).toEqual(['slices/scan_1.bmp', 'slices/scan_2.bmp']);
  expect(j.order.slice(-2)).toEqual(['slices2/scan_1.bmp', 'slices2/scan_2.bmp']);
  expect(j.folders).toEqual(['slices', 'slices2']);
  const text = (await run('info', other, dir)).out;
  expect(text).toMatch(/folders: +2 mixed \(slices, slices2\): sorted folder by folder; check they are one series/);
  expect((await run('info', dir)).out).not.toMatch(/folders:/);
});
