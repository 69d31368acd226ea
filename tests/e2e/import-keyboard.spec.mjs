// A keyboard-only import: Tab, Enter, Space and typing, nothing else. The file dialog itself
// cannot be driven in headless Chromium, so the files are handed to the chooser that the
// focused button opened (page.waitForEvent('filechooser')); everything else is keys.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { greyToBmp24 } from '../fixtures/bmp24.mjs';
import { openBrowser, shot, startViewer, waitForRenderedViewports } from './lib/browser.mjs';

const require = createRequire(import.meta.url);
const { makeHeadPhantom } = require('../../platform/core/dist/index.js');

const COLUMNS = 96;
const ROWS = 120;
const SLICES = 24;
const phantom = makeHeadPhantom({ columns: COLUMNS, rows: ROWS, slices: SLICES });
const { pixelSpacingXMm: SX, sliceSpacingMm: SZ } = phantom.geometry;

let dir;
let files;
let viewer;
let b;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-keys-'));
  files = [];
  for (let k = 0; k < SLICES; k++) {
    const file = path.join(dir, `slice_${String(k + 1).padStart(3, '0')}.bmp`);
    fs.writeFileSync(file, greyToBmp24(phantom.stack.voxels.subarray(k * COLUMNS * ROWS, (k + 1) * COLUMNS * ROWS), COLUMNS, ROWS));
    files.push(file);
  }
  viewer = await startViewer();
  b = await openBrowser();
  // Playwright turns Chromium's file-chooser interception on when a page gets its first
  // 'filechooser' listener, and does not wait for Chromium to confirm it: a key press sent
  // right after can overtake it, and the chooser the button then opens is never reported
  // (seen as a 10 s "filechooser" timeout; the page had run input.click() with the user's
  // activation). This listener, for the page's whole life, has it on before the page loads,
  // so each waitForEvent('filechooser') below only listens.
  b.page.on('filechooser', () => {});
});
after(async () => {
  await b?.browser.close();
  await viewer?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const focused = () => b.page.evaluate(() => document.activeElement?.getAttribute('data-cy') ?? document.activeElement?.tagName ?? null);
const text = sel => b.page.textContent(`[data-cy=${sel}]`);

/** Presses Tab until the control `cy` has the focus (forward only: it must come later in the tab order). */
async function tabTo(cy, max = 60) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await b.page.keyboard.press('Tab');
    const now = await focused();
    if (now === cy) return seen;
    seen.push(now);
  }
  assert.fail(`${cy} not reached with ${max} Tabs; focus went through ${seen.join(', ')}`);
}

test('a generated stack imported with the keyboard only', async () => {
  await b.page.goto(viewer.url + '/');
  await b.page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  await b.page.evaluate(() => document.activeElement?.blur());

  // the file picker is a real button: reached with Tab, opened with Enter
  await tabTo('imagestack-choose-files', 20);
  const chooser = b.page.waitForEvent('filechooser', { timeout: 10_000 });
  await b.page.keyboard.press('Enter');
  await (await chooser).setFiles(files);
  await b.page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 30_000 });
  await b.page.waitForSelector('[data-cy=imagestack-preview]');
  assert.match(await text('imagestack-check-slices'), new RegExp(`^${SLICES}$`));
  // the preview has an accessible name that says how it is oriented
  assert.match(await b.page.getAttribute('[data-cy=imagestack-preview-canvas]', 'aria-label'), /^Slice slice_012\.bmp as the viewer will show it: A at the top/);

  // the ruler placed by typing its end points and its length
  const [x0, y, x1] = phantom.rulerPixels;
  await tabTo('imagestack-ruler-length');
  await b.page.keyboard.type('50');
  await tabTo('imagestack-ruler1-x0');
  for (const [i, v] of [x0, y, x1, y].entries()) {
    if (i) await b.page.keyboard.press('Tab');
    assert.equal(await focused(), `imagestack-ruler1-${['x0', 'y0', 'x1', 'y1'][i]}`);
    await b.page.keyboard.type(String(v));
  }
  const sx = Number(await b.page.inputValue('[data-cy=imagestack-spacing-x]'));
  assert.ok(Math.abs(sx - 50 / (x1 - x0)) < 1e-3, `spacing ${sx} from the typed line`);
  assert.match(await text('imagestack-calibration-result'), /50 mm over/);

  // the overlay check's crop, accepted with Space
  await b.page.waitForSelector('[data-cy=imagestack-accept-overlay-crop]', { timeout: 30_000 });
  const proposed = /x (\d+), y (\d+), (\d+) × (\d+) px/.exec(await text('imagestack-overlay-crop')).slice(1).map(Number);
  await tabTo('imagestack-accept-overlay-crop');
  await b.page.keyboard.press('Space');
  await b.page.waitForSelector('[data-cy=imagestack-overlay-crop-accepted]');
  const crop = [];
  for (const k of ['x', 'y', 'width', 'height']) crop.push(Number(await b.page.inputValue(`[data-cy=imagestack-crop-${k}]`)));
  assert.deepEqual(crop, proposed);
  const [cx, cy, cw] = proposed;
  assert.ok(cy > y + 1 || cx > x1 || cx + cw <= x0, `the crop ${proposed} leaves out the burned-in ruler (${x0}–${x1}, row ${y})`);

  // the slice spacing typed; Load with Enter
  await tabTo('imagestack-slice-spacing');
  await b.page.keyboard.type(String(SZ));
  await tabTo('imagestack-load');
  await shot(b.page, 'import-keyboard');
  await b.page.keyboard.press('Enter');
  await b.page.waitForURL(/\/imagestack\?StudyInstanceUIDs=/, { timeout: 60_000 });
  await waitForRenderedViewports(b.page, { minViewports: 1 });
  const got = await b.page.evaluate(() => {
    const s = window.services.imageStackService.latest();
    return { dims: [s.stack.columns, s.stack.rows, s.stack.slices], spacing: s.geometry.pixelSpacingXMm, calibration: s.provenance.calibration };
  });
  assert.deepEqual(got.dims, [proposed[2], proposed[3], SLICES]);
  assert.ok(Math.abs(got.spacing - sx) < 1e-9);
  assert.deepEqual(got.calibration, { method: 'one-ruler', lines: [{ x0, y0: y, x1, y1: y, lengthMm: 50 }] });
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('an error is announced (role alert) and its fix reached with the keyboard', async () => {
  await b.page.goto(viewer.url + '/');
  await b.page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  const bad = path.join(dir, 'slice_003.bmp');
  const truncated = path.join(dir, 'bad');
  fs.mkdirSync(truncated, { recursive: true });
  const picked = files.slice(0, 5).map(f => {
    const out = path.join(truncated, path.basename(f));
    const bytes = fs.readFileSync(f);
    fs.writeFileSync(out, f === bad ? greyToBmp24(new Uint8Array(10 * 10), 10, 10) : bytes);
    return out;
  });
  await b.page.evaluate(() => document.activeElement?.blur());
  await tabTo('imagestack-choose-files', 20);
  const chooser = b.page.waitForEvent('filechooser', { timeout: 10_000 });
  await b.page.keyboard.press('Space');
  await (await chooser).setFiles(picked);
  const line = b.page.locator('[data-cy=imagestack-error]');
  await line.waitFor({ timeout: 30_000 });
  assert.equal(await line.getAttribute('role'), 'alert');
  assert.match(await line.textContent(), /^slice_003\.bmp: is 10 × 10/);
  await tabTo('imagestack-leave-out', 10);
  await b.page.keyboard.press('Enter');
  await b.page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 30_000 });
  assert.equal(await line.count(), 0);
  assert.match(await text('imagestack-check-skipped'), /slice_003\.bmp \(left out/);
  // the gap the left-out file leaves is a choice, made with the keyboard too
  await tabTo('imagestack-gap-fill');
  await b.page.keyboard.press('Space');
  assert.equal(await b.page.isChecked('[data-cy=imagestack-gap-fill]'), true);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});
