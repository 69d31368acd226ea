// Segment and export as a user would: load the sample, threshold the skull with the panel's
// whole-volume threshold, export an STL, and check the downloaded file itself against the
// phantom's known anatomy (volume, size, closed).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { countSegmentVoxels, openSample, shot } from './lib/browser.mjs';
import { readBinaryStl, stlMeasures } from './lib/stl.mjs';

// The phantom's skull (platform/core/src/sample/headPhantom.ts): semi-axes 70, 85, 88 mm, 6 mm thick.
const outer = [70, 85, 88];
const inner = outer.map(a => a - 6);
const skullMl = ((4 / 3) * Math.PI * (outer[0] * outer[1] * outer[2] - inner[0] * inner[1] * inner[2])) / 1000;

let b;
before(async () => {
  b = await openSample({ downloads: true });
});
after(() => b?.close());

test('the threshold range is on the data\'s own 0–255 scale and explains a bad range', async () => {
  const { page } = b;
  await page.waitForSelector('[data-cy=imagestack-threshold-min]');
  assert.equal(await page.getAttribute('[data-cy=imagestack-threshold-max]', 'max'), '255');
  assert.equal(await page.inputValue('[data-cy=imagestack-threshold-max]'), '255');
  await page.fill('[data-cy=imagestack-threshold-min]', '240');
  await page.fill('[data-cy=imagestack-threshold-max]', '200');
  assert.equal(await page.isDisabled('[data-cy=imagestack-threshold-apply]'), true);
  assert.match(await page.textContent('[data-cy=imagestack-threshold-result]'), /lower value is above the upper/);
  // OHIF's own threshold brush is on the same scale (its stock slider is −1000…1000 HU)
  const brush = await page.evaluate(() => {
    const button = window.services.toolbarService.getButton('Threshold');
    return button?.props?.options?.find(o => o.id === 'threshold-range');
  });
  assert.deepEqual({ min: brush?.min, max: brush?.max }, { min: 0, max: 255 });
  // before any segment exists, export says what to do first
  assert.equal(await page.isDisabled('[data-cy=imagestack-export-stl]'), true);
  assert.match(await page.textContent('[data-cy=imagestack-export-error]'), /Make a segment first/);
});

test('threshold 200–240 then Export STL downloads a closed skull of the phantom\'s size and volume', async () => {
  const { page } = b;
  await page.fill('[data-cy=imagestack-threshold-min]', '200');
  await page.fill('[data-cy=imagestack-threshold-max]', '240');
  await page.click('[data-cy=imagestack-threshold-apply]');
  await page.waitForFunction(() => /Segment 1 "Threshold 200–240": [\d,]+ voxels/.test(document.querySelector('[data-cy=imagestack-threshold-result]')?.textContent ?? ''), null, { timeout: 60_000 });
  const thresholdText = await page.textContent('[data-cy=imagestack-threshold-result]');
  const voxelMl = Number(/([\d.]+) mL/.exec(thresholdText)[1]);
  assert.ok(Math.abs(voxelMl - skullMl) / skullMl < 0.02, `thresholded ${voxelMl} mL vs analytic ${skullMl.toFixed(2)} mL`);
  await shot(page, 'threshold-skull');

  await page.waitForSelector('[data-cy=imagestack-export-stl]:not([disabled])', { timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('[data-cy=imagestack-export-stl]')]);
  assert.match(download.suggestedFilename(), /\.stl$/);
  const bytes = new Uint8Array(fs.readFileSync(await download.path()));
  const stl = readBinaryStl(bytes);
  assert.match(stl.header, /mm/);
  assert.match(stl.header, /LPS/);
  const m = stlMeasures(stl);
  assert.ok(m.closedAndOriented, 'the STL has an open or inconsistently wound edge');
  assert.ok(Math.abs(m.volumeMl - skullMl) / skullMl < 0.03, `STL volume ${m.volumeMl.toFixed(2)} mL vs analytic ${skullMl.toFixed(2)} mL`);
  // size: 140 × 170 × 176 mm (the skull's outer diameters), within about a voxel
  const size = [0, 1, 2].map(a => m.bbox[a + 3] - m.bbox[a]);
  const slack = [0.9, 0.8, 1.3].map(s => 2 * s);
  outer.forEach((a, i) => assert.ok(Math.abs(size[i] - 2 * a) <= slack[i], `size ${size.map(v => v.toFixed(1))} vs ${outer.map(v => 2 * v)}`));
  // centred on the patient origin the sample puts at the head's centre
  [0, 1, 2].forEach(a => assert.ok(Math.abs((m.bbox[a] + m.bbox[a + 3]) / 2) < 1.5, `centre ${a}: ${m.bbox}`));

  // the panel shows the same numbers before anything else is saved
  const stats = await page.textContent('[data-cy=imagestack-mesh-stats]');
  assert.match(stats, new RegExp(stl.triangles.toLocaleString('en')));
  assert.match(await page.textContent('[data-cy=imagestack-mesh-closed]'), /yes/);
  const shownMl = Number(/([\d.]+) mL/.exec(await page.textContent('[data-cy=imagestack-mesh-volume]'))[1]);
  assert.ok(Math.abs(shownMl - m.volumeMl) < 0.01 + 1e-3 * m.volumeMl, `panel ${shownMl} vs file ${m.volumeMl}`);
  // the bounding box shown is the file's, in mm
  const shownBox = (await page.textContent('[data-cy=imagestack-mesh-bbox]')).match(/-?\d+\.\d/g).map(Number);
  [0, 1, 2].forEach(a => {
    assert.ok(Math.abs(shownBox[2 * a] - m.bbox[a]) <= 0.051 && Math.abs(shownBox[2 * a + 1] - m.bbox[a + 3]) <= 0.051, `panel box ${shownBox} vs file ${m.bbox}`);
  });
  await shot(page, 'export-stats');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('OHIF\'s brush paints into the same labelmap on our series', async () => {
  const { page } = b;
  // voxels of segment 1, read the way the export reads them (per slice, no volume copy)
  const countSegment = () => countSegmentVoxels(page);
  const before = await countSegment();
  // as a user: OHIF's segmentation tab, its Brush, a stroke on the axial view
  await page.click('[data-cy=panelSegmentationWithToolsLabelMap-btn]');
  await page.click('[data-cy=Brush-btn]');
  // a stroke across the middle of the axial view (soft tissue, not yet in the segment)
  const box = await page.locator('[data-viewport-uid="mpr-axial"] canvas, [data-viewportid="mpr-axial"] canvas').first().boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx - 40, cy);
  await page.mouse.down();
  for (let i = 0; i <= 8; i++) await page.mouse.move(cx - 40 + i * 10, cy, { steps: 2 });
  await page.mouse.up();
  await page.waitForTimeout(500);
  const after = await countSegment();
  await shot(page, 'brush-stroke');
  assert.ok(after > before + 50, `brush added ${after - before} voxels`);
  // back to our panel for the rest of the workflow
  await page.click('[data-cy=workflow-btn]');
  await page.waitForSelector('[data-cy=imagestack-stl-panel]');
});

test('OHIF\'s own DICOM SEG export works on our series', async () => {
  const { page } = b;
  await page.waitForSelector('[data-cy=imagestack-save-seg]', { timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-cy=imagestack-save-seg]')]);
  const bytes = fs.readFileSync(await download.path());
  // dcmjs as core depends on it (an independent reader of OHIF's output)
  const dcmjs = createRequire(new URL('../../platform/core/package.json', import.meta.url))('dcmjs');
  const dict = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const seg = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict);
  assert.equal(seg.Modality, 'SEG');
  const seriesUid = await page.evaluate(() => window.services.imageStackService.latest().seriesInstanceUID);
  const referenced = seg.ReferencedSeriesSequence?.[0] ?? seg.ReferencedSeriesSequence;
  assert.equal(referenced.SeriesInstanceUID, seriesUid);
  assert.ok(Number(seg.NumberOfFrames) > 0);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('the 3D view shows one surface, the exported one, and the segment\'s visibility toggles it', async () => {
  const { page } = b;
  page.setDefaultTimeout(180_000);
  await page.evaluate(() => window.services.hangingProtocolService.setProtocol('mprAnd3DVolumeViewport'));
  await page.waitForFunction(() => {
    const v = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.type === 'volume3d');
    return !!v && v.getActors().length > 0;
  }, null, { timeout: 180_000, polling: 1000 });
  await page.waitForSelector('[data-cy=imagestack-export-stl]:not([disabled])');
  const downloads = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), page.click('[data-cy=imagestack-export-stl]')]);
  await page.waitForFunction(() => /Shown in the 3D view/.test(document.querySelector('[data-cy=imagestack-mesh-preview]')?.textContent ?? ''), null, { timeout: 180_000 });
  const [download] = downloads;
  const stl = readBinaryStl(new Uint8Array(fs.readFileSync(await download.path())));
  const view3d = () =>
    page.evaluate(() => {
      const vps = window.cornerstone.getRenderingEngines()[0].getViewports();
      const v = vps.find(x => x.type === 'volume3d');
      const preview = v.getActors().find(a => a.uid === 'imagestack-surface-preview');
      return {
        actors: v.getActors().map(a => a.uid),
        representations: (window.services.segmentationService.getSegmentationRepresentations(v.id) ?? []).map(r => r.type),
        previewTriangles: preview?.actor.getMapper().getInputData().getPolys().getNumberOfCells(),
        previewVisible: preview?.actor.getVisibility(),
        viewport2D: vps.find(x => x.type !== 'volume3d').id,
      };
    });
  const shown = await view3d();
  assert.ok(shown.actors.includes('imagestack-surface-preview'), `3D actors: ${shown.actors}`);
  // one surface in 3D: the exported one, not OHIF's labelmap-to-surface conversion beside it
  assert.deepEqual(shown.representations.filter(t => t === 'Surface'), [], `3D representations: ${shown.representations}`);
  assert.equal(shown.previewTriangles, stl.triangles);
  assert.equal(shown.previewVisible, true);
  await shot(page, 'export-preview-3d');
  // the segment's eye in OHIF's list hides our surface, and shows it again
  const segmentationId = await page.evaluate(() => window.services.segmentationService.getSegmentations()[0].segmentationId);
  await page.evaluate(([vp, id]) => window.services.segmentationService.toggleSegmentVisibility(vp, id, 1, 'Labelmap'), [shown.viewport2D, segmentationId]);
  await page.waitForFunction(() => {
    const v = window.cornerstone.getRenderingEngines()[0].getViewports().find(x => x.type === 'volume3d');
    return v.getActors().find(a => a.uid === 'imagestack-surface-preview')?.actor.getVisibility() === false;
  });
  await page.evaluate(([vp, id]) => window.services.segmentationService.toggleSegmentVisibility(vp, id, 1, 'Labelmap'), [shown.viewport2D, segmentationId]);
  assert.equal((await view3d()).previewVisible, true);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});
