import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeBmp } from '../../../../tests/fixtures/images/bmpWriter';
import { tempDir } from '../../../../tests/fixtures/images/magick';
import { seededRandom, syntheticRuler } from '../../../core/src/geometry/testing/syntheticRuler';
import { main } from '../cli';

const tmp = tempDir('imagestack-calibrate-');
afterAll(() => tmp.cleanup());

function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return main(argv, { stdout: s => out.push(s), stderr: s => err.push(s), env: {} }).then(code => ({ code, out: out.join(''), err: err.join('') }));
}

// A 50 mm ruler, ticks every 10 mm, at 0.1237 mm per pixel (404.2 px), on a 520 × 200 capture.
const W = 520;
const H = 200;
const { pixels, ends } = syntheticRuler({ width: W, height: H, spacingMm: 0.1237, start: [40.3, 170.6], rand: seededRandom(4), anatomy: { cx: 260, cy: 80, rx: 180, ry: 60 } });
const rgb = new Uint8Array(W * H * 3);
pixels.forEach((v, i) => rgb.fill(v, i * 3, i * 3 + 3));
const slice = tmp.file('capture.bmp');
writeFileSync(slice, writeBmp({ width: W, height: H, bitCount: 24, rgb }));
// Drawn roughly: ends 2–3 px off along the ruler, 1–2 px beside it.
const rough = `${ends[0][0] + 2.6},${ends[0][1] - 1.4},${ends[1][0] - 2.9},${ends[1][1] + 1.8}`;

test('--ticks --json: the spacing fitted to the ticks, within 0.5 %, with its uncertainty and the ticks', async () => {
  const r = await run('calibrate', slice, '--ruler', rough, '--length', '50', '--ticks', '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(Object.keys(j).slice(0, 3)).toEqual(['spacing_mm', 'uncertainty_pct', 'ticks']);
  expect(Math.abs(j.spacing_mm / 0.1237 - 1)).toBeLessThan(0.005);
  expect(String(j.spacing_mm).replace(/^0\./, '').replace(/^0+/, '').length).toBeLessThanOrEqual(4);
  expect(j.uncertainty_pct).toBeGreaterThan(0);
  expect(j.uncertainty_pct).toBeLessThan(0.5);
  expect(j.ticks).toHaveLength(6);
  expect(j.ticks[0]).toEqual({ x: expect.closeTo(40.3, 0), y: expect.any(Number) });
  expect(j.method).toBe('ticks');
});

test('without --ticks: the line as drawn, with the uncertainty of its end points', async () => {
  const r = await run('calibrate', slice, '--ruler', '40,170,444,170', '--length', '50', '--json');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toEqual({ spacing_mm: 0.1238, uncertainty_pct: 0.25, ticks: [], method: 'one-ruler', length_px: 404 });
});

test('human output: 4 significant figures and the flag to use', async () => {
  const r = await run('calibrate', slice, '--ruler', rough, '--length', '50', '--ticks');
  expect(r.out).toMatch(/^pixel spacing 0\.12\d\d mm \(± 0\.\d+ %\), from 6 ticks: \d+\.\d\d px for 50 mm \(5 gaps of/);
  expect(r.out).toMatch(/\nuse: --spacing 0\.12\d\d\n$/);
});

test.each([
  [['--length', '50'], /--ruler x0,y0,x1,y1 is required/],
  [['--ruler', '1,2,3', '--length', '50'], /--ruler takes x0,y0,x1,y1 in pixels, got "1,2,3"/],
  [['--ruler', '40,170,444,170'], /--length <mm> is required/],
  [['--ruler', '40,170,444,170', '--length', '-5'], /--length takes the line's length in mm \(> 0\), got "-5"/],
  [['--ruler', '40,170,444,170', '--length', '50', '--page', '0'], /--page takes a page number from 1/],
  [['--ruler', '40,170,444,170', '--length', '50', '--bogus'], /unknown option --bogus/],
])('usage errors: %p', async (argv, message) => {
  const r = await run('calibrate', slice, ...argv);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
});

test('a line over no ruler fails with one line naming the file', async () => {
  const r = await run('calibrate', slice, '--ruler', '100,20,400,20', '--length', '50', '--ticks');
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^imagestack calibrate: .*capture\.bmp: (found|the band)/);
  expect(r.err.trim().split('\n')).toHaveLength(1);
});
