// The DICOM half of the workflow panel, as a user meets it: "Save as DICOM (zip)" downloads the
// series on screen as valid Part-10 files, and "Send to PACS" stores it in a real Orthanc
// (through our server's /dicom-web proxy) from which OHIF's standard DICOMweb data source
// reopens it in MPR with the same geometry. Without a configured PACS the panel says so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openBrowser, shot, startViewer, waitForRenderedViewports } from './lib/browser.mjs';
import { qido, startOrthanc } from './lib/orthanc.mjs';
import { canvasStats } from './lib/pixels.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const coreRequire = createRequire(path.resolve(here, '../../platform/core/package.json'));
const { unzipSync } = coreRequire('fflate');
const { readPart10 } = coreRequire('./dist/index.js');

// the generated sample (platform/core sample): 192 × 240 × 150, spacing 0.9 × 0.8 × 1.3 mm
const SAMPLE = { columns: 192, rows: 240, slices: 150, spacing: [0.9, 0.8, 1.3] };

let orthanc;
let viewer;
let b;
let studyUID;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-e2e-pacs-'));

before(async () => {
  orthanc = await startOrthanc();
  viewer = await startViewer({ dicomWebUrl: orthanc.dicomWebRoot });
  b = await openBrowser({ downloads: true });
});
after(async () => {
  await b?.browser.close();
  await viewer?.close();
  await orthanc?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const pageErrors = errors => errors.filter(e => e.startsWith('[pageerror]') || e.startsWith('[crash]'));

async function loadSample(page, url) {
  await page.goto(url + '/');
  await page.click('[data-cy=imagestack-load-sample]', { timeout: 60_000 });
  await page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 30_000 });
  await page.waitForSelector('[data-cy=imagestack-send-pacs]', { timeout: 30_000 });
  return new URL(page.url()).searchParams.get('StudyInstanceUIDs');
}

test('Save as DICOM (zip) downloads the series on screen: 150 valid Part-10 files with its pixels and spacing', async t => {
  studyUID = await loadSample(b.page, viewer.url);
  await waitForRenderedViewports(b.page, { minViewports: 3 });
  const [download] = await Promise.all([b.page.waitForEvent('download', { timeout: 60_000 }), b.page.click('[data-cy=imagestack-save-dicom]')]);
  assert.match(download.suggestedFilename(), /\.zip$/);
  const zipPath = path.join(tmp, download.suggestedFilename());
  await download.saveAs(zipPath);
  const result = await b.page.textContent('[data-cy=imagestack-save-dicom-result]');
  assert.match(result, /^Saved .+\.zip: 150 slices, [\d.]+ MiB$/);
  await shot(b.page, 'pacs-zip-saved');

  const entries = unzipSync(new Uint8Array(fs.readFileSync(zipPath)));
  const names = Object.keys(entries).sort();
  assert.equal(names.length, SAMPLE.slices);
  assert.match(names[0], /^[^/]+\/IMG0001\.dcm$/);
  assert.match(names.at(-1), /\/IMG0150\.dcm$/);

  // slice k of the zip is slice k of the viewer's series: same UIDs, pixels and geometry
  const k = 75;
  const viewed = await b.page.evaluate(k => {
    const s = window.services.imageStackService.latest();
    const n = s.stack.columns * s.stack.rows;
    return { record: s.instances[k], voxels: Array.from(s.stack.voxels.subarray(k * n, (k + 1) * n)) };
  }, k);
  const file = entries[names[k]];
  const { dataset, pixels } = readPart10(file, names[k]);
  assert.equal(dataset.SOPClassUID, '1.2.840.10008.5.1.4.1.1.2');
  assert.equal(dataset.StudyInstanceUID, studyUID);
  assert.equal(dataset.SOPInstanceUID, viewed.record.SOPInstanceUID);
  assert.equal(dataset.InstanceNumber, k + 1);
  assert.deepEqual([dataset.Columns, dataset.Rows], [SAMPLE.columns, SAMPLE.rows]);
  assert.deepEqual(dataset.PixelSpacing, [0.8, 0.9]); // row \ column = y \ x
  assert.equal(dataset.SliceThickness, 1.3);
  assert.deepEqual(dataset.ImagePositionPatient, viewed.record.ImagePositionPatient);
  assert.equal(dataset.StudyDate, viewed.record.StudyDate);
  assert.equal(dataset.BitsAllocated, 16); // the CT IOD's storage, the same values
  assert.ok(pixels instanceof Uint16Array);
  assert.deepEqual(Array.from(pixels), viewed.voxels);

  // dicom3tools' IOD checker: zero errors
  const dcm = path.join(tmp, 'slice.dcm');
  fs.writeFileSync(dcm, file);
  const check = spawnSync('dciodvfy', [dcm], { encoding: 'utf8' });
  assert.ok(!check.error, `dciodvfy did not run (apt-get install dicom3tools): ${check.error?.message}`);
  const out = `${check.stdout}\n${check.stderr}`;
  const errors = out.split('\n').filter(l => /^Error/.test(l));
  assert.deepEqual(errors, [], out);
  t.diagnostic(`dciodvfy: 0 errors, ${out.split('\n').filter(l => /^Warning/.test(l)).length} warnings`);
  assert.deepEqual(pageErrors(b.errors), []);
});

test('Save as DICOM (zip) can be cancelled: nothing is downloaded', async () => {
  let downloads = 0;
  const count = () => downloads++;
  b.page.on('download', count);
  await b.page.evaluate(async () => {
    document.querySelector('[data-cy=imagestack-save-dicom]').click();
    for (let i = 0; i < 600 && !document.querySelector('[data-cy=imagestack-save-dicom-cancel]'); i++) await new Promise(requestAnimationFrame);
    document.querySelector('[data-cy=imagestack-save-dicom-cancel]').click();
  });
  await b.page.waitForFunction(() => document.querySelector('[data-cy=imagestack-save-dicom-result]')?.textContent.startsWith('Cancelled'), null, { timeout: 30_000 });
  assert.equal(await b.page.textContent('[data-cy=imagestack-save-dicom-result]'), 'Cancelled: no zip was saved.');
  await b.page.waitForTimeout(1000);
  b.page.off('download', count);
  assert.equal(downloads, 0);
});

test('Send to PACS shows its progress and can be cancelled; the line says only what the PACS confirmed', async () => {
  // hold the second STOW-RS request, so the send is caught in the middle
  let posts = 0;
  let release;
  const held = new Promise(resolve => (release = resolve));
  const isStow = url => new URL(url).pathname === '/dicom-web/studies';
  await b.page.route(isStow, async route => {
    if (route.request().method() !== 'POST' || ++posts === 1) return route.continue();
    await held;
    await route.abort().catch(() => {});
  });
  try {
    await b.page.click('[data-cy=imagestack-send-pacs]');
    await b.page.waitForFunction(() => document.querySelector('[data-cy=imagestack-pacs-progress]')?.getAttribute('aria-valuenow') === '20', null, { timeout: 30_000 });
    assert.equal(await b.page.getAttribute('[data-cy=imagestack-pacs-progress]', 'aria-valuemax'), '150');
    assert.equal(await b.page.textContent('[data-cy=imagestack-pacs-status]'), '20 / 150 instances sent');
    await b.page.locator('[data-cy=imagestack-pacs-status]').scrollIntoViewIfNeeded();
    await shot(b.page, 'pacs-progress');
    await b.page.click('[data-cy=imagestack-pacs-cancel]');
    const result = await b.page.waitForSelector('[data-cy=imagestack-pacs-result]', { timeout: 30_000 });
    assert.equal(await result.textContent(), 'Cancelled: the PACS confirmed 20 of 150 instances before you stopped.');
    assert.equal(posts, 2);
  } finally {
    release();
    await b.page.unroute(isStow);
  }
  const series = await qido(orthanc.dicomWebRoot, `studies/${studyUID}/series?includefield=00201209`);
  assert.deepEqual(series[0]['00201209'].Value, [20]);
});

test('Send to PACS stores every instance in Orthanc through /dicom-web', async () => {
  await b.page.click('[data-cy=imagestack-send-pacs]');
  const result = await b.page.waitForSelector('[data-cy=imagestack-pacs-result]', { timeout: 60_000 });
  // the 20 instances already stored by the cancelled send are simply stored again
  assert.equal(await result.textContent(), 'Sent 150 of 150 instances');
  await b.page.locator('[data-cy=imagestack-open-pacs]').scrollIntoViewIfNeeded();
  await shot(b.page, 'pacs-sent');

  // Orthanc's own QIDO-RS (not through the viewer): the study, with all its instances
  const studies = await qido(orthanc.dicomWebRoot, `studies?StudyInstanceUID=${studyUID}&includefield=00201208`);
  assert.equal(studies.length, 1);
  assert.deepEqual(studies[0]['00201208'].Value, [SAMPLE.slices]); // NumberOfStudyRelatedInstances
  const series = await qido(orthanc.dicomWebRoot, `studies/${studyUID}/series?includefield=00201209`);
  assert.equal(series.length, 1);
  assert.deepEqual(series[0]['00201209'].Value, [SAMPLE.slices]);
  assert.deepEqual(series[0]['00080060'].Value, ['CT']);
  assert.deepEqual(pageErrors(b.errors), []);
});

test('Open from PACS reopens the study from Orthanc in OHIF\'s DICOMweb data source, in MPR with the same geometry', async t => {
  const link = b.page.locator('[data-cy=imagestack-open-pacs]');
  assert.equal(await link.getAttribute('href'), `/imagestack/dicomweb?StudyInstanceUIDs=${encodeURIComponent(studyUID)}`);
  // per-slice sums of the voxels the import tab holds, to compare with what comes back
  const sourceSums = await b.page.evaluate(() => {
    const { stack } = window.services.imageStackService.latest();
    const n = stack.columns * stack.rows;
    const sums = [];
    for (let k = 0; k < stack.slices; k++) {
      let sum = 0;
      for (let i = k * n; i < (k + 1) * n; i++) sum += stack.voxels[i];
      sums.push(sum);
    }
    return sums;
  });
  const [tab] = await Promise.all([b.context.waitForEvent('page'), link.click()]);
  // everything the reopened study needs comes through our server (the /dicom-web proxy)
  const foreign = [];
  tab.on('request', r => /^https?:/.test(r.url()) && !r.url().startsWith(viewer.url + '/') && foreign.push(r.url()));
  const dicomWebRequests = [];
  tab.on('request', r => r.url().startsWith(viewer.url + '/dicom-web/') && dicomWebRequests.push(r.url()));
  const errors = [];
  const consoleErrors = [];
  tab.on('console', m => m.type() === 'error' && consoleErrors.push(m.text().slice(0, 300)));
  tab.on('pageerror', e => errors.push(`[pageerror] ${e.message}`));
  tab.on('crash', () => errors.push('[crash] renderer crashed'));
  await tab.waitForURL(/\/imagestack\/dicomweb\?StudyInstanceUIDs=/, { timeout: 30_000 });
  await waitForRenderedViewports(tab, { minViewports: 3 });
  const vps = await tab.evaluate(() =>
    window.cornerstone
      .getRenderingEngines()[0]
      .getViewports()
      .map(v => ({ id: v.id, type: v.type, volumeId: v.getVolumeId?.() })),
  );
  assert.deepEqual(vps.map(v => v.type).sort(), ['orthographic', 'orthographic', 'orthographic']);
  const vol = await tab.evaluate(id => {
    const v = window.cornerstone.cache.getVolume(id);
    return { dims: v.dimensions, spacing: v.spacing, firstImageId: v.imageIds[0], count: v.imageIds.length };
  }, vps[0].volumeId);
  // the images come from the PACS by WADO-RS through our proxy, not from the tab's memory
  assert.match(vol.firstImageId, /^wadors:.*\/dicom-web\/studies\/2\.25\./);
  assert.equal(vol.count, SAMPLE.slices);
  assert.deepEqual(vol.dims, [SAMPLE.columns, SAMPLE.rows, SAMPLE.slices]);
  vol.spacing.forEach((s, i) => assert.ok(Math.abs(s - SAMPLE.spacing[i]) < 1e-3, `spacing ${JSON.stringify(vol.spacing)}`));
  // every slice arrives (WADO-RS frames, streamed into the volume), with the source's values
  await tab.waitForFunction(id => window.cornerstone.cache.getVolume(id)?.loadStatus?.loaded === true, vps[0].volumeId, { timeout: 60_000, polling: 500 });
  const back = await tab.evaluate(id => {
    const v = window.cornerstone.cache.getVolume(id);
    const data = v.voxelManager.getCompleteScalarDataArray();
    const [w, h, d] = v.dimensions;
    const sums = [];
    for (let k = 0; k < d; k++) {
      let sum = 0;
      for (let i = k * w * h; i < (k + 1) * w * h; i++) sum += data[i];
      sums.push(sum);
    }
    return { type: data.constructor.name, sums };
  }, vps[0].volumeId);
  assert.deepEqual(back.sums, sourceSums, `volume (${back.type}) differs from the source`);
  await tab.waitForTimeout(1500); // let the last slices be drawn before looking at the canvases
  const stats = await Promise.all(vps.map(v => canvasStats(tab, v.id)));
  await shot(tab, 'pacs-reopened-mpr');
  for (const [i, s] of stats.entries()) assert.ok(s.std > 10 && s.nonBlackFraction > 0.05, `viewport ${vps[i].id} shows no anatomy: ${JSON.stringify(s)}`);
  // bulk data (the path OHIF's SEG/RT/SR loaders take) too: Orthanc names it by its own
  // address, app-config's bulkDataURI transform sends it through the proxy
  const bulk = await tab.evaluate(async () => {
    const inst = window.services.displaySetService.getActiveDisplaySets().find(ds => ds.Modality === 'CT').instances[0];
    const data = await inst.PixelData.retrieveBulkData();
    const u16 = new Uint16Array(data.buffer ?? data, data.byteOffset ?? 0, (data.byteLength ?? 0) / 2);
    let sum = 0;
    for (const v of u16) sum += v;
    return { uri: inst.PixelData.BulkDataURI, k: inst.InstanceNumber - 1, bytes: data.byteLength, sum };
  });
  assert.match(bulk.uri, /^\/dicom-web\/studies\//);
  assert.equal(bulk.bytes, SAMPLE.columns * SAMPLE.rows * 2);
  assert.equal(bulk.sum, sourceSums[bulk.k]);
  assert.deepEqual(foreign, []);
  t.diagnostic(`${dicomWebRequests.length} requests through /dicom-web, e.g. ${dicomWebRequests.slice(0, 3).map(u => u.slice(viewer.url.length, viewer.url.length + 90)).join(' ; ')}`);
  if (consoleErrors.length) t.diagnostic(`console errors in the reopened tab: ${consoleErrors.join(' | ')}`);
  assert.deepEqual(errors, []);
  await tab.close();
});

test('with the PACS down, Send to PACS says it did not answer, in one line', async () => {
  await orthanc.stop();
  await b.page.click('[data-cy=imagestack-send-pacs]');
  await b.page.waitForFunction(() => document.querySelector('[data-cy=imagestack-pacs-result]')?.textContent.startsWith('The PACS at'), null, { timeout: 30_000 });
  const line = await b.page.textContent('[data-cy=imagestack-pacs-result]');
  assert.equal(line, `The PACS at ${new URL(orthanc.url).host} did not answer (connect ECONNREFUSED).`);
  assert.equal(await b.page.locator('[data-cy=imagestack-open-pacs]').count(), 0);
  await b.page.locator('[data-cy=imagestack-pacs-result]').scrollIntoViewIfNeeded();
  await shot(b.page, 'pacs-down');
});

test('without a PACS configured, Send to PACS says how to configure one', async () => {
  const bare = await startViewer();
  const b2 = await openBrowser();
  try {
    await loadSample(b2.page, bare.url);
    await b2.page.click('[data-cy=imagestack-send-pacs]');
    const result = await b2.page.waitForSelector('[data-cy=imagestack-pacs-result]', { timeout: 30_000 });
    assert.match(await result.textContent(), /^No PACS configured: start the viewer server with IMAGESTACK_DICOMWEB_URL=/);
    assert.equal(await b2.page.locator('[data-cy=imagestack-open-pacs]').count(), 0);
    await result.scrollIntoViewIfNeeded();
    await shot(b2.page, 'pacs-not-configured');
  } finally {
    await b2.browser.close();
    await bare.close();
  }
});
