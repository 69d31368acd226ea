// Approximate HU, as a user meets it: BMP screen captures taken with a "bone" window (the
// phantom written at test time), the window chosen on the import page; the threshold reads and
// takes HU while the labelmap and the viewer's volume stay 8-bit grey levels (R8 texture); the
// STL sidecar records both; the DICOM zip says HU through RescaleSlope/Intercept and passes
// dciodvfy; the window comes back with an autosaved session. Also: the burned-in ruler gets a
// hint to crop it, and the workflow panel scrolls under its tab strip, which stays in view.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { greyToBmp24 } from '../fixtures/bmp24.mjs';
import { countSegmentVoxels, openBrowser, shot, startViewer, waitForRenderedViewports } from './lib/browser.mjs';

const coreRequire = createRequire(new URL('../../platform/core/package.json', import.meta.url));
const { makeHeadPhantom, readPart10 } = coreRequire('./dist/index.js');
const { unzipSync } = coreRequire('fflate');

const COLUMNS = 96;
const ROWS = 120;
const SLICES = 40;
const phantom = makeHeadPhantom({ columns: COLUMNS, rows: ROWS, slices: SLICES });
const { pixelSpacingXMm: SX, pixelSpacingYMm: SY, sliceSpacingMm: SZ } = phantom.geometry;
const name = k => `CT bone (${k + 1}).bmp`;

// The bone window, written out here rather than taken from the code under test: grey g shows
// L − W/2 + g·W/255 HU.
const L = 300;
const W = 1500;
const huOf = g => L - W / 2 + (g * W) / 255;
const STEP = W / 255;
// 600 HU and above: the first grey level at or above 600 HU, to 255 (the phantom's bone, 220, and not its soft tissue, 90)
const LOWER_HU = 600;
const LOWER_GREY = Math.ceil(((LOWER_HU - (L - W / 2)) * 255) / W); // 179
// the segment's name: that level's HU (602.9), shown rounded down
const SHOWN_LOWER = Math.floor(huOf(LOWER_GREY));

const GL_R8 = 0x8229;

let dir;
let files;
let viewer;
let b;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-e2e-hu-'));
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-hu-'));
  files = [];
  for (let k = 0; k < SLICES; k++) {
    const file = path.join(dir, name(k));
    fs.writeFileSync(file, greyToBmp24(phantom.stack.voxels.subarray(k * COLUMNS * ROWS, (k + 1) * COLUMNS * ROWS), COLUMNS, ROWS));
    files.push(file);
  }
  viewer = await startViewer();
  b = await openBrowser({ downloads: true });
  b.page.on('dialog', d => void d.accept());
  // every 3D texture the page allocates, with its internal format: the volume must stay R8
  await b.context.addInitScript(() => {
    window.__textures3d = [];
    const proto = window.WebGL2RenderingContext?.prototype;
    if (!proto) return;
    const storage = proto.texStorage3D;
    proto.texStorage3D = function (target, levels, internalformat, width, height, depth) {
      window.__textures3d.push({ internalformat, width, height, depth });
      return storage.apply(this, arguments);
    };
    const image = proto.texImage3D;
    proto.texImage3D = function (target, level, internalformat, width, height, depth) {
      window.__textures3d.push({ internalformat, width, height, depth });
      return image.apply(this, arguments);
    };
  });
});
after(async () => {
  await b?.browser.close();
  await viewer?.close();
  for (const d of [dir, tmp]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

const text = sel => b.page.textContent(`[data-cy=${sel}]`);
const pageErrors = () => b.errors.filter(e => e.startsWith('[pageerror]') || e.startsWith('[crash]'));

/** The loaded series' crop box and the count of its voxels at or above `grey`, read in the page. */
const voxelsFrom = grey =>
  b.page.evaluate(g => {
    const v = window.services.imageStackService.latest().stack.voxels;
    let n = 0;
    for (let i = 0; i < v.length; i++) if (v[i] >= g) n++;
    return n;
  }, grey);

const countSegment = () => countSegmentVoxels(b.page);

test('the import page: a hint to crop the burned-in ruler, and the "bone" capture window explained', async () => {
  const { page } = b;
  await page.goto(viewer.url + '/');
  await page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  await page.setInputFiles('[data-cy=imagestack-file-input]', files);
  await page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 30_000 });
  // the phantom's ruler is burned into every slice: the check says to crop it, and why
  await page.waitForSelector('[data-cy=imagestack-overlay-hint]', { timeout: 30_000 });
  assert.match(await text('imagestack-overlay-hint'), /^Crop the burned-in overlays away \([\d.]+ % of the cropped slice\): .*3D model/);
  assert.equal(await page.getAttribute('[data-cy=imagestack-overlay-hint]', 'data-cropped'), 'false');
  await page.click('[data-cy=imagestack-accept-overlay-crop]');
  await page.waitForSelector('[data-cy=imagestack-overlay-hint][data-cropped=true]');
  assert.match(await text('imagestack-overlay-hint'), /outside the crop/);

  // no window by default: grey levels
  assert.equal(await page.inputValue('[data-cy=imagestack-capture-window]'), 'none');
  assert.equal(await page.locator('[data-cy=imagestack-capture-level]').count(), 0);
  await page.selectOption('[data-cy=imagestack-capture-window]', 'bone');
  assert.equal(await page.inputValue('[data-cy=imagestack-capture-level]'), '300');
  assert.equal(await page.inputValue('[data-cy=imagestack-capture-width]'), '1500');
  assert.match(await text('imagestack-capture-window-line'), /Grey 0 reads as -450 HU, grey 255 as 1050 HU, 5\.88 HU a grey level/);
  // a broken window blocks the load and says why; choosing "bone" again mends it
  await page.fill('[data-cy=imagestack-capture-width]', '');
  await page.fill('[data-cy=imagestack-spacing-x]', String(SX));
  await page.fill('[data-cy=imagestack-spacing-y]', String(SY));
  await page.fill('[data-cy=imagestack-slice-spacing]', String(SZ));
  assert.equal(await page.isDisabled('[data-cy=imagestack-load]'), true);
  assert.match(await text('imagestack-load-missing'), /capture window's level and width/);
  await page.selectOption('[data-cy=imagestack-capture-window]', 'bone');
  assert.equal(await page.isDisabled('[data-cy=imagestack-load]'), false);
  await shot(page, 'capture-window-import');
  assert.deepEqual(pageErrors(), []);
});

test('loaded with it, the viewer\'s volume stays 8-bit grey levels: BitsAllocated 8, slope 1, an R8 texture', async () => {
  const { page } = b;
  await page.click('[data-cy=imagestack-load]');
  await page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 60_000 });
  await waitForRenderedViewports(page, { minViewports: 3 });
  await page.waitForFunction(
    () => {
      const vp = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.getVolumeId?.());
      return !!window.cornerstone.cache.getVolume(vp.getVolumeId())?.loadStatus?.loaded;
    },
    null,
    { timeout: 90_000, polling: 250 },
  );
  const seen = await page.evaluate(() => {
    const s = window.services.imageStackService.latest();
    const r = s.instances[0];
    return {
      window: s.provenance.captureWindow,
      dims: [s.stack.columns, s.stack.rows, s.stack.slices],
      record: { BitsAllocated: r.BitsAllocated, RescaleSlope: r.RescaleSlope, RescaleIntercept: r.RescaleIntercept, RescaleType: r.RescaleType ?? null },
      textures: window.__textures3d,
    };
  });
  assert.deepEqual(seen.window, { level: 300, width: 1500, name: 'bone' });
  assert.deepEqual(seen.record, { BitsAllocated: 8, RescaleSlope: 1, RescaleIntercept: 0, RescaleType: null });
  const volumeTextures = seen.textures.filter(t => t.width === seen.dims[0] && t.height === seen.dims[1] && t.depth === seen.dims[2]);
  assert.ok(volumeTextures.length > 0, `no 3D texture of the volume's size ${seen.dims}: ${JSON.stringify(seen.textures)}`);
  assert.deepEqual([...new Set(volumeTextures.map(t => t.internalformat))], [GL_R8], `the volume's textures: ${JSON.stringify(volumeTextures)}`);
  assert.deepEqual(pageErrors(), []);
});

test('the workflow panel scrolls under its tab strip, which stays in view', async () => {
  const { page } = b;
  await page.waitForSelector('[data-cy=imagestack-stl-panel]');
  const strip = page.locator('[data-cy=workflow-btn]');
  const before = await strip.boundingBox();
  assert.ok(before && before.y >= 0, `tab strip at ${JSON.stringify(before)}`);
  const panel = page.locator('[data-cy=imagestack-stl-panel]');
  const box = await panel.boundingBox();
  const { innerHeight } = await page.evaluate(() => ({ innerHeight: window.innerHeight }));
  assert.ok(box.y + box.height <= innerHeight + 1, `the panel (${box.y}+${box.height}) ends inside the window (${innerHeight}): it scrolls inside itself`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 400);
  await page.waitForFunction(() => document.querySelector('[data-cy=imagestack-stl-panel]').scrollTop > 0, null, { timeout: 10_000 });
  const scrolled = await strip.boundingBox();
  assert.deepEqual(scrolled, before, 'the tab strip moved when the panel scrolled');
  // focusing the panel's last control (keyboard users) scrolls the panel, not the strip away
  await page.evaluate(() => document.querySelector('[data-cy=imagestack-save-dicom]').focus());
  assert.deepEqual(await strip.boundingBox(), before, 'the tab strip moved when a control below the fold was focused');
  assert.equal(await page.locator('[data-cy=imagestack-save-dicom]').isVisible(), true);
  await shot(page, 'capture-window-panel-scrolled');
  await page.evaluate(() => (document.querySelector('[data-cy=imagestack-stl-panel]').scrollTop = 0));
});

test('the threshold reads in approximate HU: 600 HU and above selects grey 179–255, into a segment named in HU', async () => {
  const { page } = b;
  await page.waitForSelector('[data-cy=imagestack-threshold-min]');
  assert.equal(await text('imagestack-threshold-unit'), 'HU');
  const axis = await page.$$eval('[data-cy=imagestack-histogram-axis] span', s => s.map(e => e.textContent));
  assert.equal(axis[0], '-450 HU');
  assert.equal(axis.at(-1), '1050 HU');
  assert.equal(await page.inputValue('[data-cy=imagestack-threshold-max]'), '1050');
  await page.fill('[data-cy=imagestack-threshold-min]', String(LOWER_HU));
  await page.fill('[data-cy=imagestack-threshold-max]', '1050');
  assert.match(await text('imagestack-threshold-grey'), new RegExp(`^= grey levels ${LOWER_GREY}–255 `));
  await page.click('[data-cy=imagestack-threshold-apply]');
  const label = `Threshold ${SHOWN_LOWER}–1050 HU`;
  await page.waitForFunction(l => (document.querySelector('[data-cy=imagestack-threshold-result]')?.textContent ?? '').startsWith(`Segment 1 "${l}"`), label, { timeout: 60_000 });
  const want = await voxelsFrom(LOWER_GREY);
  assert.ok(want > 1000, `the phantom's bone in the crop: ${want} voxels`);
  assert.equal(await countSegment(), want);
  assert.match(await text('imagestack-threshold-result'), new RegExp(`${want.toLocaleString('en')} voxels`));
  await shot(page, 'capture-window-threshold');
  assert.deepEqual(pageErrors(), []);
});

test('the STL sidecar records the grey threshold and its approximate HU, and the HU step', async () => {
  const { page } = b;
  await page.waitForSelector('[data-cy=imagestack-export-stl]:not([disabled])', { timeout: 30_000 });
  const [stl] = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), page.click('[data-cy=imagestack-export-stl]')]);
  assert.ok(stl.suggestedFilename().endsWith(`Threshold ${SHOWN_LOWER}–1050 HU.stl`), stl.suggestedFilename());
  await page.waitForSelector('[data-cy=imagestack-export-sidecar]', { timeout: 60_000 });
  const [json] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click('[data-cy=imagestack-export-sidecar]')]);
  const sidecar = JSON.parse(fs.readFileSync(await json.path(), 'utf8'));
  assert.deepEqual(sidecar.threshold, [LOWER_GREY, 255]);
  assert.equal(sidecar.captureWindow.name, 'bone');
  assert.deepEqual([sidecar.captureWindow.level, sidecar.captureWindow.width], [L, W]);
  assert.ok(Math.abs(sidecar.captureWindow.huStep - STEP) < 1e-9);
  assert.ok(Math.abs(sidecar.captureWindow.thresholdHu[0] - huOf(LOWER_GREY)) < 1e-9 && sidecar.captureWindow.thresholdHu[1] === 1050, JSON.stringify(sidecar.captureWindow));
  const made = sidecar.operations.find(o => o.op === 'threshold');
  assert.equal(made.lower, LOWER_GREY);
  assert.ok(Math.abs(made.lowerHu - huOf(LOWER_GREY)) < 1e-9);
});

test('the DICOM zip maps the grey values back to HU: RescaleSlope width/255, intercept level − width/2, RescaleType HU, 0 dciodvfy errors', async t => {
  const { page } = b;
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-cy=imagestack-save-dicom]')]);
  const zipPath = path.join(tmp, 'series.zip');
  await download.saveAs(zipPath);
  const entries = unzipSync(new Uint8Array(fs.readFileSync(zipPath)));
  const names = Object.keys(entries).sort();
  const k = Math.floor(names.length / 2);
  const { dataset, pixels } = readPart10(entries[names[k]], names[k]);
  assert.equal(dataset.RescaleType, 'HU');
  assert.ok(Math.abs(Number(dataset.RescaleSlope) - W / 255) < 1e-12, `slope ${dataset.RescaleSlope}`);
  assert.equal(Number(dataset.RescaleIntercept), L - W / 2);
  assert.match(dataset.DerivationDescription, /capture window \(bone\) level 300 width 1500; quantisation step 5\.88235 HU/);
  // the stored values are the viewer's grey levels, widened to 16 bits as CT requires, not rescaled
  assert.equal(dataset.BitsAllocated, 16);
  const viewed = await page.evaluate(k => {
    const s = window.services.imageStackService.latest();
    const n = s.stack.columns * s.stack.rows;
    return Array.from(s.stack.voxels.subarray(k * n, (k + 1) * n));
  }, k);
  assert.deepEqual(Array.from(pixels), viewed);
  const dcm = path.join(tmp, 'slice.dcm');
  fs.writeFileSync(dcm, entries[names[k]]);
  const check = spawnSync('dciodvfy', [dcm], { encoding: 'utf8' });
  assert.ok(!check.error, `dciodvfy did not run (apt-get install dicom3tools): ${check.error?.message}`);
  const out = `${check.stdout}\n${check.stderr}`;
  assert.deepEqual(out.split('\n').filter(l => /^Error/.test(l)), [], out);
  const warnings = out.split('\n').filter(l => /^Warning/.test(l));
  t.diagnostic(`dciodvfy: 0 errors, ${warnings.length} warnings${warnings.length ? `: ${warnings.join(' | ')}` : ''}`);
  assert.deepEqual(pageErrors(), []);
});

test('the window comes back with the autosaved session: a restored series reads in the same HU', async () => {
  const { page } = b;
  await page.reload();
  await page.waitForSelector('[data-cy=imagestack-restore]', { timeout: 60_000 });
  await page.click('[data-cy=imagestack-restore-accept]');
  await page.waitForSelector('[data-cy=imagestack-restore-pick]', { state: 'attached', timeout: 30_000 });
  await page.setInputFiles('[data-cy=imagestack-restore-pick]', files);
  await page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 60_000 });
  await waitForRenderedViewports(page, { minViewports: 3 });
  assert.deepEqual(await page.evaluate(() => window.services.imageStackService.latest().provenance.captureWindow), { level: 300, width: 1500, name: 'bone' });
  await page.waitForSelector('[data-cy=imagestack-threshold-unit]');
  assert.equal(await text('imagestack-threshold-unit'), 'HU');
  assert.deepEqual(pageErrors(), []);
});
