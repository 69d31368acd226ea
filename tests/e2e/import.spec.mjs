// The import as a user meets it: BMP slices (the sample phantom, written at test time) picked
// in shuffled order, checked, calibrated from the burned-in ruler, given a non-square geometry,
// decoded in workers and opened in MPR in the right order and scale; a bad file is one line
// naming it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { encode as encodePng } from 'fast-png';
import { bmp24HeaderOnly, greyToBmp24 } from '../fixtures/bmp24.mjs';
import { openBrowser, shot, startViewer, waitForRenderedViewports } from './lib/browser.mjs';

const require = createRequire(import.meta.url);
const { makeHeadPhantom, deriveStackGeometry } = require('../../platform/core/dist/index.js');

// Small enough to stay quick; the phantom scales its spacing to keep the same field of view.
const COLUMNS = 96;
const ROWS = 120;
const SLICES = 40;
const phantom = makeHeadPhantom({ columns: COLUMNS, rows: ROWS, slices: SLICES });
const { pixelSpacingXMm: SX, pixelSpacingYMm: SY, sliceSpacingMm: SZ } = phantom.geometry; // 1.8, 1.6, 4.875
const name = k => `IMG (${k + 1}).bmp`;
const sliceSums = Array.from({ length: SLICES }, (_, k) => {
  let s = 0;
  for (const v of phantom.stack.voxels.subarray(k * COLUMNS * ROWS, (k + 1) * COLUMNS * ROWS)) s += v;
  return s;
});

let dir;
let goodFiles;
let viewer;
let b;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-import-'));
  fs.mkdirSync(path.join(dir, 'stack'));
  goodFiles = [];
  for (let k = 0; k < SLICES; k++) {
    const file = path.join(dir, 'stack', name(k));
    fs.writeFileSync(file, greyToBmp24(phantom.stack.voxels.subarray(k * COLUMNS * ROWS, (k + 1) * COLUMNS * ROWS), COLUMNS, ROWS));
    goodFiles.push(file);
  }
  fs.writeFileSync(path.join(dir, 'stack', 'notes.txt'), 'exported from the scanner console\n');
  viewer = await startViewer();
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await viewer?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The BMP with a red 10 × 3 annotation at the bottom right (a coloured overlay). */
function withRedMark(bmp, width, height) {
  const out = Buffer.from(bmp);
  const stride = (width * 3 + 3) & ~3;
  for (let y = height - 6; y < height - 3; y++) {
    for (let x = width - 14; x < width - 4; x++) out.set([0, 0, 255], 54 + (height - 1 - y) * stride + x * 3);
  }
  return out;
}

/** A fixed shuffle (seeded), so a failure reproduces. */
function shuffled(list, seed = 7) {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const text = sel => b.page.textContent(`[data-cy=${sel}]`);
const fill = (sel, value) => b.page.fill(`[data-cy=${sel}]`, value);

test('shuffled files are checked in natural order, and loading explains the missing spacing', async () => {
  await b.page.goto(viewer.url + '/');
  await b.page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  const files = shuffled([...goodFiles, path.join(dir, 'stack', 'notes.txt')]);
  assert.notEqual(path.basename(files[0]), name(0));
  await b.page.setInputFiles('[data-cy=imagestack-file-input]', files);
  await b.page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 30_000 });
  await b.page.waitForSelector('[data-cy=imagestack-preview]');

  assert.match(await text('imagestack-check-slices'), /^40$/);
  assert.match(await text('imagestack-check-size'), /96 × 120/);
  assert.match(await text('imagestack-check-format'), /BMP/i);
  assert.match(await text('imagestack-check-skipped'), /notes\.txt/);
  assert.equal(await b.page.getAttribute('[data-cy=imagestack-thumb-first]', 'data-name'), name(0));
  assert.equal(await b.page.getAttribute('[data-cy=imagestack-thumb-last]', 'data-name'), name(SLICES - 1));

  // no default spacing: unknown, and the load button says what is missing
  assert.equal(await b.page.getAttribute('[data-cy=imagestack-spacing-x]', 'placeholder'), 'unknown');
  assert.equal(await b.page.isDisabled('[data-cy=imagestack-load]'), true);
  assert.match(await text('imagestack-load-missing'), /Enter the pixel spacing x \(mm\)/);
  assert.match(await text('imagestack-physical-size'), /unknown × unknown × unknown mm/);
  await fill('imagestack-spacing-x', String(SX));
  await fill('imagestack-spacing-y', String(SY));
  assert.match(await text('imagestack-load-missing'), /Enter the slice spacing \(mm\)/);
  assert.equal(await b.page.isDisabled('[data-cy=imagestack-load]'), true);
  assert.match(await text('imagestack-physical-size'), /172\.8 × 192\.0 × unknown mm/);
  await shot(b.page, 'import-check');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('a line drawn over the burned-in 50 mm ruler sets the pixel spacing', async () => {
  await fill('imagestack-spacing-x', '');
  await fill('imagestack-spacing-y', '');
  await b.page.click('[data-cy=imagestack-tool-ruler]');
  const box = await b.page.locator('[data-cy=imagestack-preview]').boundingBox();
  const [x0, y, x1] = phantom.rulerPixels; // pixel centres of the ruler's ends (it is 2 px thick: rows y, y + 1)
  const at = (px, py) => [box.x + ((px + 0.5) / COLUMNS) * box.width, box.y + ((py + 0.5) / ROWS) * box.height];
  await b.page.mouse.move(...at(x0, y + 0.5));
  await b.page.mouse.down();
  await b.page.mouse.move(...at((x0 + x1) / 2, y + 0.5), { steps: 4 });
  await b.page.mouse.move(...at(x1, y + 0.5), { steps: 4 });
  await b.page.mouse.up();
  await fill('imagestack-ruler-length', '50');
  const sx = Number(await b.page.inputValue('[data-cy=imagestack-spacing-x]'));
  const sy = Number(await b.page.inputValue('[data-cy=imagestack-spacing-y]'));
  // the ruler is drawn over whole pixels: 50 mm over (x1 − x0) pixels, within a pixel of the mouse
  const expected = 50 / (x1 - x0);
  assert.ok(Math.abs(sx - expected) < expected * 0.03, `spacing x ${sx}, expected ≈ ${expected}`);
  assert.ok(Math.abs(sx - SX) < 0.1, `spacing x ${sx}, the phantom's is ${SX}`);
  assert.equal(sy, sx, 'one ruler line means square pixels');
  assert.match(await text('imagestack-calibration-result'), /50 mm over/);
  assert.match(await text('imagestack-line-lengths'), /Ruler line 28\.\d px = 50\.0 mm at the spacing entered/);
  await shot(b.page, 'import-calibrated');
});

test('a second ruler line along the other axis calibrates non-square pixels', async () => {
  await b.page.click('[data-cy=imagestack-tool-ruler2]');
  const box = await b.page.locator('[data-cy=imagestack-preview]').boundingBox();
  const at = (px, py) => [box.x + ((px + 0.5) / COLUMNS) * box.width, box.y + ((py + 0.5) / ROWS) * box.height];
  // a vertical line over 80 rows, whose true length is 80 · 1.6 mm
  await b.page.mouse.move(...at(60, 20));
  await b.page.mouse.down();
  await b.page.mouse.move(...at(60, 100), { steps: 6 });
  await b.page.mouse.up();
  await fill('imagestack-ruler2-length', String(80 * SY));
  const sx = Number(await b.page.inputValue('[data-cy=imagestack-spacing-x]'));
  const sy = Number(await b.page.inputValue('[data-cy=imagestack-spacing-y]'));
  assert.ok(Math.abs(sx - 50 / 28) < 0.06, `spacing x ${sx}`);
  assert.ok(Math.abs(sy - SY) < 0.03, `spacing y ${sy}`);
  assert.match(await text('imagestack-calibration-result'), /From two lines/);
  await shot(b.page, 'import-calibrated-2');
});

test('loaded stack: slices in file-number order, non-square spacing in the MPR volume', async () => {
  await fill('imagestack-spacing-x', String(SX));
  await fill('imagestack-spacing-y', String(SY));
  await fill('imagestack-slice-spacing', String(SZ));
  assert.match(await text('imagestack-physical-size'), /172\.8 × 192\.0 × 195\.0 mm/);
  assert.equal(await b.page.isDisabled('[data-cy=imagestack-load]'), false);
  await b.page.click('[data-cy=imagestack-load]');
  await b.page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 60_000 });

  const names = await b.page.evaluate(() => window.services.imageStackService.latest().stack.sliceNames);
  assert.deepEqual(names, Array.from({ length: SLICES }, (_, k) => name(k)));

  await waitForRenderedViewports(b.page, { minViewports: 3 });
  // the volume streams in slice by slice: compare once every slice has arrived
  await b.page.waitForFunction(
    () => {
      const vp = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.getVolumeId?.());
      return !!window.cornerstone.cache.getVolume(vp.getVolumeId())?.loadStatus?.loaded;
    },
    null,
    { timeout: 60_000, polling: 250 },
  );
  const vol = await b.page.evaluate(() => {
    const vp = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.getVolumeId?.());
    const v = window.cornerstone.cache.getVolume(vp.getVolumeId());
    const data = v.voxelManager.getCompleteScalarDataArray();
    const [nx, ny, nz] = v.dimensions;
    const sums = [];
    for (let k = 0; k < nz; k++) {
      let s = 0;
      for (let i = k * nx * ny; i < (k + 1) * nx * ny; i++) s += data[i];
      sums.push(s);
    }
    return { dims: v.dimensions, spacing: v.spacing, type: data.constructor.name, sums };
  });
  assert.deepEqual(vol.dims, [COLUMNS, ROWS, SLICES]);
  assert.equal(vol.type, 'Uint8Array');
  for (const [i, want] of [SX, SY, SZ].entries()) assert.ok(Math.abs(vol.spacing[i] - want) < 1e-6, `spacing ${JSON.stringify(vol.spacing)}`);
  // every slice where it belongs: the airway (only below z = 10 mm) makes the order asymmetric
  assert.notDeepEqual(sliceSums, [...sliceSums].reverse());
  assert.deepEqual(vol.sums, sliceSums);
  await b.page.waitForTimeout(1500);
  await shot(b.page, 'import-mpr');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

/** The Cornerstone volume shown in the MPR views: dims, spacing, origin. */
async function shownVolume() {
  await waitForRenderedViewports(b.page, { minViewports: 3 });
  return b.page.evaluate(() => {
    const vp = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.getVolumeId?.());
    const v = window.cornerstone.cache.getVolume(vp.getVolumeId());
    return { dims: [...v.dimensions], spacing: [...v.spacing], origin: [...v.origin] };
  });
}

test('a folder, cropped with a drawn rectangle and downsampled by 2; Cancel stops a load', async () => {
  await b.page.goto(viewer.url + '/');
  await b.page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  await b.page.setInputFiles('[data-cy=imagestack-folder-input]', path.join(dir, 'stack'));
  await b.page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 30_000 });
  assert.match(await text('imagestack-check-slices'), /^40$/);
  assert.match(await text('imagestack-check-skipped'), /notes\.txt/);

  // the slice to draw on: the middle one, or any other picked with the slider
  await b.page.waitForSelector('[data-cy=imagestack-preview]');
  assert.match(await text('imagestack-preview-name'), /^20 \/ 40: IMG \(20\)\.bmp$/);
  await b.page.fill('[data-cy=imagestack-preview-slice]', '5');
  await b.page.waitForFunction(() => /IMG \(6\)\.bmp/.test(document.querySelector('[data-cy=imagestack-preview-name]')?.textContent ?? ''));
  await b.page.click('[data-cy=imagestack-tool-crop]');
  const box = await b.page.locator('[data-cy=imagestack-preview]').boundingBox();
  const at = (px, py) => [box.x + ((px + 0.5) / COLUMNS) * box.width, box.y + ((py + 0.5) / ROWS) * box.height];
  await b.page.mouse.move(...at(10, 12));
  await b.page.mouse.down();
  await b.page.mouse.move(...at(85, 110), { steps: 6 });
  await b.page.mouse.up();
  const crop = {};
  for (const k of ['x', 'y', 'width', 'height']) crop[k] = Number(await b.page.inputValue(`[data-cy=imagestack-crop-${k}]`));
  assert.deepEqual(crop, { x: 10, y: 12, width: 76, height: 99 });
  await b.page.selectOption('[data-cy=imagestack-downsample]', '2');
  await fill('imagestack-spacing-x', String(SX));
  await fill('imagestack-spacing-y', String(SY));
  await fill('imagestack-slice-spacing', String(SZ));
  await fill('imagestack-origin', '-86, -95, -97');
  // 38 × 49 voxels of 3.6 × 3.2 mm
  assert.match(await text('imagestack-physical-size'), /136\.8 × 156\.8 × 195\.0 mm/);
  assert.match(await text('imagestack-check-volume'), /38 × 49 × 40/);
  await shot(b.page, 'import-crop');

  // Cancel as soon as the progress bar shows: nothing is added, the page stays
  const cancelled = await b.page.evaluate(async () => {
    document.querySelector('[data-cy=imagestack-load]').click();
    await new Promise(r => setTimeout(r, 0));
    const progress = !!document.querySelector('[data-cy=imagestack-load-progress]');
    document.querySelector('[data-cy=imagestack-load-cancel]').click();
    return progress;
  });
  assert.equal(cancelled, true);
  await b.page.waitForSelector('[data-cy=imagestack-status]');
  assert.match(await text('imagestack-status'), /cancelled/);
  assert.equal(new URL(b.page.url()).pathname, '/');
  assert.equal(await b.page.evaluate(() => window.services.imageStackService.latest()), undefined);

  await b.page.click('[data-cy=imagestack-load]');
  await b.page.waitForURL(/\/imagestack\?StudyInstanceUIDs=/, { timeout: 60_000 });
  assert.equal(await b.page.evaluate(() => window.services.imageStackService.latest().description), 'stack', 'named after the folder');
  const vol = await shownVolume();
  assert.deepEqual(vol.dims, [38, 49, 40]);
  const want = deriveStackGeometry({ ...phantom.geometry }, { crop, downsample: 2 });
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(vol.spacing[i] - [want.pixelSpacingXMm, want.pixelSpacingYMm, want.sliceSpacingMm][i]) < 1e-6, `spacing ${vol.spacing}`);
    assert.ok(Math.abs(vol.origin[i] - want.originMm[i]) < 1e-6, `origin ${vol.origin}, expected ${want.originMm}`);
  }
  await b.page.waitForTimeout(1500);
  await shot(b.page, 'import-crop-mpr');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('dropped files: a gap, a coloured overlay and reversed order are shown before loading', async () => {
  await b.page.goto(viewer.url + '/');
  await b.page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  const payload = [];
  for (let k = 0; k < 12; k++) {
    if (k === 3) continue; // IMG (4).bmp is missing
    let bytes = fs.readFileSync(goodFiles[k]);
    if (k === 0) bytes = withRedMark(bytes, COLUMNS, ROWS);
    payload.push({ name: name(k), b64: bytes.toString('base64') });
  }
  await b.page.evaluate(files => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.b64), c => c.charCodeAt(0))], f.name, { type: 'image/bmp' }));
    const zone = document.querySelector('[data-cy=imagestack-dropzone]');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, shuffled(payload, 3));
  await b.page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 30_000 });
  assert.match(await text('imagestack-check-slices'), /^11$/);
  assert.match(await text('imagestack-check-gaps'), /1 missing between IMG \(3\)\.bmp and IMG \(5\)\.bmp/);
  assert.match(await text('imagestack-coloured-warning'), /IMG \(1\)\.bmp/);
  await b.page.check('[data-cy=imagestack-reverse]');
  await b.page.waitForFunction(() => document.querySelector('[data-cy=imagestack-thumb-first]')?.dataset.name === 'IMG (12).bmp');
  assert.equal(await b.page.getAttribute('[data-cy=imagestack-thumb-last]', 'data-name'), name(0));
  await shot(b.page, 'import-drop');
  await fill('imagestack-spacing-x', '1.8');
  await fill('imagestack-spacing-y', '1.6');
  await fill('imagestack-slice-spacing', '4.875');
  await b.page.click('[data-cy=imagestack-load]');
  await b.page.waitForURL(/\/imagestack\?StudyInstanceUIDs=/, { timeout: 60_000 });
  const names = await b.page.evaluate(() => window.services.imageStackService.latest().stack.sliceNames);
  assert.deepEqual(names, [12, 11, 10, 9, 8, 7, 6, 5, 3, 2, 1].map(n => `IMG (${n}).bmp`));
  // what the load found stays in the viewer's panel, not only in a passing toast
  await b.page.waitForSelector('[data-cy=imagestack-stack-notes]', { timeout: 30_000 });
  assert.match(await text('imagestack-stack-notes'), /1 slice\(s\) have coloured pixels/);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('a bad file is one error line naming it, and nothing loads', async () => {
  const bad = path.join(dir, 'bad');
  fs.mkdirSync(bad, { recursive: true });
  const files = [];
  for (let k = 0; k < 6; k++) {
    const file = path.join(bad, name(k));
    let bytes = fs.readFileSync(goodFiles[k]);
    if (k === 2) bytes = bytes.subarray(0, bytes.length >> 1); // truncated
    fs.writeFileSync(file, bytes);
    files.push(file);
  }
  await b.page.goto(viewer.url + '/');
  await b.page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  await b.page.setInputFiles('[data-cy=imagestack-file-input]', shuffled(files));
  const line = b.page.locator('[data-cy=imagestack-error]');
  await line.waitFor({ timeout: 30_000 });
  assert.match(await line.textContent(), /^IMG \(3\)\.bmp: /);
  assert.equal(await line.count(), 1);
  assert.equal(await b.page.locator('[data-cy=imagestack-load]').count(), 0);
  await shot(b.page, 'import-bad-truncated');

  // a header claiming 100000 × 100000 pixels: refused from the header, before any allocation
  fs.writeFileSync(files[2], fs.readFileSync(goodFiles[2]));
  fs.writeFileSync(files[3], bmp24HeaderOnly(100000, 100000));
  await b.page.setInputFiles('[data-cy=imagestack-file-input]', shuffled(files));
  await b.page.waitForFunction(() => /^IMG \(4\)\.bmp: /.test(document.querySelector('[data-cy=imagestack-error]')?.textContent ?? ''), null, {
    timeout: 30_000,
  });
  const message = await line.textContent();
  assert.doesNotMatch(message, /\n/);
  assert.equal(await b.page.evaluate(() => window.services.imageStackService.latest()), undefined);
  await shot(b.page, 'import-bad-huge');

  // the user may leave the file out: it is listed as skipped, and its number as a gap
  await b.page.click('[data-cy=imagestack-leave-out]');
  await b.page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 30_000 });
  assert.equal(await b.page.locator('[data-cy=imagestack-error]').count(), 0);
  assert.match(await text('imagestack-check-slices'), /^5$/);
  assert.match(await text('imagestack-check-skipped'), /IMG \(4\)\.bmp \(left out: the header gives 100000 × 100000 pixels/);
  assert.match(await text('imagestack-check-gaps'), /1 missing between IMG \(3\)\.bmp and IMG \(5\)\.bmp/);
  assert.equal(await b.page.evaluate(() => window.services.imageStackService.latest()), undefined);

  // a slice of another size (a stray screenshot) is named too
  fs.writeFileSync(files[3], greyToBmp24(new Uint8Array(50 * 40), 50, 40));
  await b.page.setInputFiles('[data-cy=imagestack-file-input]', shuffled(files));
  await b.page.waitForFunction(() => /^IMG \(4\)\.bmp: is 50 × 40 8-bit, but the other slices are 96 × 120 8-bit/.test(document.querySelector('[data-cy=imagestack-error]')?.textContent ?? ''), null, {
    timeout: 30_000,
  });
  assert.equal(await b.page.locator('[data-cy=imagestack-load]').count(), 0, 'no stack to load');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('a slice that fails to decode in a worker stops the load with one line naming it', async () => {
  const pngDir = path.join(dir, 'png');
  fs.mkdirSync(pngDir, { recursive: true });
  const files = [];
  for (let k = 0; k < 8; k++) {
    const data = phantom.stack.voxels.slice((k + 16) * COLUMNS * ROWS, (k + 17) * COLUMNS * ROWS);
    const png = Buffer.from(encodePng({ width: COLUMNS, height: ROWS, data, channels: 1, depth: 8 }));
    if (k === 4) {
      // the header is fine (the check passes); the compressed pixels are garbage
      const idat = png.indexOf('IDAT');
      png.fill(0xff, idat + 6, idat + 40);
    }
    const file = path.join(pngDir, `IMG (${k + 1}).png`);
    fs.writeFileSync(file, png);
    files.push(file);
  }
  await b.page.goto(viewer.url + '/');
  await b.page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  await b.page.setInputFiles('[data-cy=imagestack-file-input]', shuffled(files));
  await b.page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 30_000 });
  assert.match(await text('imagestack-check-format'), /PNG/);
  await fill('imagestack-spacing-x', '1.8');
  await fill('imagestack-spacing-y', '1.6');
  await fill('imagestack-slice-spacing', '4.875');
  await b.page.click('[data-cy=imagestack-load]');
  const line = b.page.locator('[data-cy=imagestack-error]');
  await line.waitFor({ timeout: 30_000 });
  assert.match(await line.textContent(), /^IMG \(5\)\.png: /);
  assert.equal(new URL(b.page.url()).pathname, '/');
  assert.equal(await b.page.locator('[data-cy=imagestack-load-progress]').count(), 0);
  assert.equal(await b.page.evaluate(() => window.services.imageStackService.latest()), undefined);
  await shot(b.page, 'import-bad-decode');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('16-bit PNG slices load as 16-bit (a micro-CT export)', async () => {
  const pngDir = path.join(dir, 'png16');
  fs.mkdirSync(pngDir, { recursive: true });
  const files = [];
  for (let k = 0; k < SLICES; k++) {
    const slice = phantom.stack.voxels.subarray(k * COLUMNS * ROWS, (k + 1) * COLUMNS * ROWS);
    const data = Uint16Array.from(slice, v => v * 16);
    const file = path.join(pngDir, `ct_${String(k).padStart(4, '0')}.png`);
    fs.writeFileSync(file, encodePng({ width: COLUMNS, height: ROWS, data, channels: 1, depth: 16 }));
    files.push(file);
  }
  await b.page.goto(viewer.url + '/');
  await b.page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  await b.page.setInputFiles('[data-cy=imagestack-file-input]', shuffled(files));
  await b.page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 30_000 });
  assert.match(await text('imagestack-check-bit-depth'), /^16-bit grey/);
  assert.match(await text('imagestack-check-volume'), /900 KiB/);
  await fill('imagestack-spacing-x', String(SX));
  await fill('imagestack-spacing-y', String(SY));
  await fill('imagestack-slice-spacing', String(SZ));
  await b.page.click('[data-cy=imagestack-load]');
  await b.page.waitForURL(/\/imagestack\?StudyInstanceUIDs=/, { timeout: 60_000 });
  const stack = await b.page.evaluate(() => {
    const s = window.services.imageStackService.latest().stack;
    return { bits: s.bitsStored, type: s.voxels.constructor.name, first: s.sliceNames[0], last: s.sliceNames.at(-1) };
  });
  assert.deepEqual(stack, { bits: 16, type: 'Uint16Array', first: 'ct_0000.png', last: 'ct_0039.png' });
  const vol = await shownVolume();
  assert.deepEqual(vol.dims, [COLUMNS, ROWS, SLICES]);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});
