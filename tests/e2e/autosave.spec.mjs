// Nothing lost on a reload: the session (the import's inputs, geometry, series UIDs and the
// labelmap) is autosaved to IndexedDB as the user works; a reload of the viewer comes back to
// the import page, which offers to restore it, and the restored labelmap has every voxel back.
// The sample restores by itself; files picked through <input type=file> are asked for again and
// checked (names, sizes, the first slice's contents).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { greyToBmp24 } from '../fixtures/bmp24.mjs';
import { countSegmentVoxels, openBrowser, shot, startViewer, waitForRenderedViewports } from './lib/browser.mjs';

const require = createRequire(import.meta.url);
const { makeHeadPhantom } = require('../../platform/core/dist/index.js');

const COLUMNS = 96;
const ROWS = 120;
const SLICES = 40;
const phantom = makeHeadPhantom({ columns: COLUMNS, rows: ROWS, slices: SLICES });
const { pixelSpacingXMm: SX, pixelSpacingYMm: SY, sliceSpacingMm: SZ } = phantom.geometry;
const name = k => `IMG (${k + 1}).bmp`;

let dir;
let goodFiles;
let viewer;
let b;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-autosave-'));
  for (const sub of ['stack', 'other', 'fewer']) fs.mkdirSync(path.join(dir, sub));
  goodFiles = [];
  for (let k = 0; k < SLICES; k++) {
    const grey = phantom.stack.voxels.subarray(k * COLUMNS * ROWS, (k + 1) * COLUMNS * ROWS);
    const file = path.join(dir, 'stack', name(k));
    fs.writeFileSync(file, greyToBmp24(grey, COLUMNS, ROWS));
    goodFiles.push(file);
    // the same names and sizes, but the first slice's pixels differ
    const other = k === 0 ? greyToBmp24(grey.map(v => 255 - v), COLUMNS, ROWS) : fs.readFileSync(file);
    fs.writeFileSync(path.join(dir, 'other', name(k)), other);
    if (k < SLICES - 1) fs.copyFileSync(file, path.join(dir, 'fewer', name(k)));
  }
  viewer = await startViewer();
  b = await openBrowser();
  // a beforeunload prompt is answered "leave" and recorded: a reload after "Saved" must not ask
  b.page.on('dialog', d => {
    dialogs.push(d.type());
    void d.accept();
  });
});
const dialogs = [];
after(async () => {
  await b?.browser.close();
  await viewer?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const countSegment = () => countSegmentVoxels(b.page);

/** Thresholds the whole volume from our panel and returns the segment's voxel count. */
async function threshold(lower, upper) {
  const { page } = b;
  await page.waitForSelector('[data-cy=imagestack-threshold-min]', { timeout: 60_000 });
  await page.fill('[data-cy=imagestack-threshold-min]', String(lower));
  await page.fill('[data-cy=imagestack-threshold-max]', String(upper));
  await page.click('[data-cy=imagestack-threshold-apply]');
  await page.waitForFunction(() => /Segment 1 "[^"]*": [\d,]+ voxels/.test(document.querySelector('[data-cy=imagestack-threshold-result]')?.textContent ?? ''), null, {
    timeout: 60_000,
  });
  const count = await countSegment();
  assert.ok(count > 1000, `the threshold made ${count} voxels`);
  return count;
}

/** The saved record's voxel count of segment 1, read from IndexedDB as the page stored it. */
const savedVoxels = () =>
  b.page.evaluate(async () => {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open('imagestack');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const rec = await new Promise((ok, fail) => {
      const r = db.transaction('sessions').objectStore('sessions').get('current');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    db.close();
    return rec?.segmentation?.voxelCounts?.[1];
  });

/** Waits for the status line to say a save written after `sinceMs` is done, then checks the record holds `voxels`. */
async function waitForSaved(sinceMs, voxels) {
  await b.page.waitForFunction(
    since => {
      const el = document.querySelector('[data-cy=imagestack-autosave-status]');
      return el?.getAttribute('data-state') === 'saved' && Number(el.getAttribute('data-saved-at')) >= since && /^Saved \d\d:\d\d$/.test(el.textContent);
    },
    sinceMs,
    { timeout: 60_000, polling: 250 },
  );
  assert.equal(await savedVoxels(), voxels);
}

/** What the page says about saving, for a failure message. */
const statusText = async () => `status: ${await b.page.locator('[data-cy=imagestack-autosave-status]').textContent({ timeout: 1000 }).catch(() => '(none)')}; errors: ${b.errors.join(' | ').slice(0, 1500)}`;

/** Waits until the restored labelmap's segment 1 has `voxels` voxels (the restore writes it slice by slice). */
async function waitForRestored(voxels) {
  await b.page
    .waitForFunction(
      // a function, not a string: the page's CSP refuses eval (so segmentVoxelsInPage cannot be inlined)
      want => {
        const seg = window.services.segmentationService.getSegmentations()[0];
        if (!seg) return false;
        const L = window.cornerstoneTools.segmentation.state.getSegmentation(seg.segmentationId)?.representationData?.Labelmap;
        const ids = L?.imageIds ?? L?.labelmaps?.[L?.primaryLabelmapId]?.imageIds ?? [];
        let n = 0;
        for (const id of ids) {
          const d = window.cornerstone.cache.getImage(id)?.voxelManager.getScalarData() ?? [];
          for (let i = 0; i < d.length; i++) if (d[i] === 1) n++;
        }
        return n === want;
      },
      voxels,
      { timeout: 120_000, polling: 500 },
    )
    .catch(async e => {
      throw new Error(`the restored segment has ${await countSegment()} voxels, not ${voxels}; ${await statusText()}`, { cause: e });
    });
}

const seriesUid = () => b.page.evaluate(() => window.services.imageStackService.latest()?.seriesInstanceUID);

test('the sample: threshold, reload, restore, and the labelmap has the same voxels', async () => {
  const { page } = b;
  await page.goto(viewer.url + '/');
  await page.click('[data-cy=imagestack-load-sample]');
  await waitForRenderedViewports(page, { minViewports: 3 });
  const t0 = await b.page.evaluate(() => Date.now());
  const voxels = await threshold(200, 240);
  // while the change is not yet written, leaving the page asks first
  const unsaved = await page.evaluate(() => {
    const state = document.querySelector('[data-cy=imagestack-autosave-status]')?.getAttribute('data-state');
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return { state, asked: e.defaultPrevented };
  });
  if (unsaved.state !== 'saved') assert.equal(unsaved.asked, true, `state ${unsaved.state}: beforeunload did not ask`);
  const uid = await seriesUid();
  await waitForSaved(t0, voxels);
  assert.equal(await page.evaluate(() => {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  }), false, 'nothing unsaved, yet leaving asks');
  await shot(page, 'autosave-saved');

  await page.reload();
  assert.deepEqual(dialogs, []);
  // the viewer route cannot show a stack that was held in memory: back to the import page
  await page.waitForSelector('[data-cy=imagestack-restore]', { timeout: 60_000 });
  assert.equal(new URL(page.url()).pathname, '/');
  assert.match(await page.textContent('[data-cy=imagestack-restore-accept]'), /^Restore ImageStack sample.* \(150 slices, saved \d\d:\d\d\)$/);
  await shot(page, 'autosave-offer-sample');
  await page.click('[data-cy=imagestack-restore-accept]');
  await page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 60_000 });
  await waitForRenderedViewports(page, { minViewports: 3 });
  // the same series (its UIDs were saved), and every voxel of the segment back
  assert.equal(await seriesUid(), uid);
  await waitForRestored(voxels);
  assert.equal(await countSegment(), voxels);
  await page.waitForFunction(() => /^Saved \d\d:\d\d$/.test(document.querySelector('[data-cy=imagestack-autosave-status]')?.textContent ?? ''), null, { timeout: 60_000 });
  // our workflow panel is the one shown, as after a threshold
  await page.waitForSelector('[data-cy=imagestack-stl-panel]', { timeout: 30_000 });
  // the workflow's record of what was done to the segment (the export sidecar's steps) came back with it
  const steps = await page.evaluate(() => {
    const id = window.services.segmentationService.getSegmentations()[0].segmentationId;
    return window.services.imageStackService.latest().workflow?.history?.[`${id}:1`]?.map(s => `${s.op} ${s.lower}–${s.upper}`);
  });
  assert.deepEqual(steps, ['threshold 200–240']);
  await shot(page, 'autosave-restored-sample');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('picked files: restore asks for them again, refuses other files, and restores with the same voxels', async () => {
  const { page } = b;
  await page.goto(viewer.url + '/');
  await page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  await page.setInputFiles('[data-cy=imagestack-file-input]', goodFiles);
  await page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 30_000 });
  await page.fill('[data-cy=imagestack-spacing-x]', String(SX));
  await page.fill('[data-cy=imagestack-spacing-y]', String(SY));
  await page.fill('[data-cy=imagestack-slice-spacing]', String(SZ));
  await page.click('[data-cy=imagestack-load]');
  await page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 60_000 });
  await waitForRenderedViewports(page, { minViewports: 3 });
  const t0 = await b.page.evaluate(() => Date.now());
  const voxels = await threshold(200, 240);
  const uid = await seriesUid();
  await waitForSaved(t0, voxels);

  await page.reload();
  await page.waitForSelector('[data-cy=imagestack-restore]', { timeout: 60_000 });
  assert.match(await page.textContent('[data-cy=imagestack-restore-accept]'), /^Restore IMG \(40 slices, saved \d\d:\d\d\)$/);
  await page.click('[data-cy=imagestack-restore-accept]');
  // an <input type=file> gives no handle to read the files again: the user is asked
  await page.waitForSelector('[data-cy=imagestack-restore-pick]', { state: 'attached', timeout: 30_000 });
  assert.match(await page.textContent('[data-cy=imagestack-restore-line]'), /pick the same files again/);

  const line = () => page.textContent('[data-cy=imagestack-restore-line]');
  await page.setInputFiles('[data-cy=imagestack-restore-pick]', fs.readdirSync(path.join(dir, 'fewer')).map(f => path.join(dir, 'fewer', f)));
  await page.waitForFunction(() => /not the files of the saved session/.test(document.querySelector('[data-cy=imagestack-restore-line]')?.textContent ?? ''), null, { timeout: 30_000 });
  assert.match(await line(), /1 of the 40 saved files are missing: IMG \(40\)\.bmp/);
  await page.setInputFiles('[data-cy=imagestack-restore-pick]', fs.readdirSync(path.join(dir, 'other')).map(f => path.join(dir, 'other', f)));
  await page.waitForFunction(() => /other contents/.test(document.querySelector('[data-cy=imagestack-restore-line]')?.textContent ?? ''), null, { timeout: 30_000 });
  assert.match(await line(), /^These are not the files of the saved session: IMG \(1\)\.bmp has the same name and size but other contents\.$/);
  await shot(page, 'autosave-files-differ');
  assert.equal(new URL(page.url()).pathname, '/');

  await page.setInputFiles('[data-cy=imagestack-restore-pick]', goodFiles);
  await page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 60_000 });
  await waitForRenderedViewports(page, { minViewports: 3 });
  assert.equal(await seriesUid(), uid);
  await waitForRestored(voxels);
  assert.equal(await countSegment(), voxels);
  await shot(page, 'autosave-restored-files');

  // Discard clears it: a reload then offers nothing
  await page.reload();
  await page.waitForSelector('[data-cy=imagestack-restore]', { timeout: 60_000 });
  await page.click('[data-cy=imagestack-restore-discard]');
  await page.waitForSelector('[data-cy=imagestack-restore]', { state: 'detached' });
  await page.reload();
  await page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  await page.waitForSelector('[data-cy=imagestack-lost]', { timeout: 30_000 });
  assert.equal(await page.locator('[data-cy=imagestack-restore]').count(), 0);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});
