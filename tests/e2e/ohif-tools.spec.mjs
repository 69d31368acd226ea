// OHIF's own labelmap tools, from its segmentation tab, on our 8-bit series: each one must
// paint (or erase) voxels of the active segment, and only the voxels it should. The sample
// phantom's values are known (air 0, soft tissue 90, bone 220, ruler 255), so a tool that
// paints outside its range is caught. Covered: threshold brush (Range, with the range UI on the
// data's scale), eraser, shapes (circle), segment bidirectional (and our STL export of what the
// tools painted); a labelmap tool chosen while the 3D view is active paints in the last 2D view.
// The tab's other tools are hidden in our mode, each for a measured reason
// (extensions/image-stack/src/segmentation/labelmapTools.ts): the test checks they are gone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { open3DLayout, openSample, shot } from './lib/browser.mjs';
import { readBinaryStl, stlMeasures, stlPieces } from './lib/stl.mjs';

const AXIAL = '[data-viewport-uid="mpr-axial"] canvas, [data-viewportid="mpr-axial"] canvas';

let b;
before(async () => {
  b = await openSample({ width: 1400, height: 850, downloads: true });
  // a segment to paint into: our panel's whole-volume threshold of the skull (200–240)
  await b.page.waitForSelector('[data-cy=imagestack-threshold-min]', { timeout: 60_000 });
  await b.page.fill('[data-cy=imagestack-threshold-min]', '200');
  await b.page.fill('[data-cy=imagestack-threshold-max]', '240');
  await b.page.click('[data-cy=imagestack-threshold-apply]');
  await b.page.waitForFunction(() => window.services.segmentationService.getSegmentations().length > 0, null, { timeout: 120_000, polling: 1000 });
  await b.page.click('[data-cy=panelSegmentationWithToolsLabelMap-btn]');
});
after(() => b?.close());

/**
 * Voxels of the active segment by the sample's value under them: { counts: {value: n}, slices }.
 * Labelmap slices are read in the labelmap volume's order (sorted by position, as the stack).
 */
function segmentVoxels(page, segmentIndex) {
  return page.evaluate(wanted => {
    const { segmentationService, imageStackService } = window.services;
    const seg = segmentationService.getSegmentations()[0];
    const index = wanted ?? Object.values(seg.segments).find(s => s.active)?.segmentIndex ?? 1;
    const L = window.cornerstoneTools.segmentation.state.getSegmentation(seg.segmentationId).representationData.Labelmap;
    const volume = window.cornerstone.cache.getVolume(L.volumeId ?? L.geometryVolumeId ?? '');
    const ids = volume?.imageIds ?? L.imageIds ?? [];
    const { stack } = imageStackService.latest();
    const perSlice = stack.columns * stack.rows;
    const counts = {};
    const slices = new Set();
    const perSliceCount = {};
    ids.forEach((id, k) => {
      const d = window.cornerstone.cache.getImage(id)?.voxelManager.getScalarData() ?? [];
      for (let i = 0; i < d.length; i++) {
        if (d[i] !== index) continue;
        const v = stack.voxels[k * perSlice + i];
        counts[v] = (counts[v] ?? 0) + 1;
        slices.add(k);
        perSliceCount[k] = (perSliceCount[k] ?? 0) + 1;
      }
    });
    return { index, counts, slices: slices.size, perSlice: perSliceCount, total: Object.values(counts).reduce((a, n) => a + n, 0) };
  }, segmentIndex);
}

/**
 * Runs `action` (a stroke, a click) and waits for what it should cause: Cornerstone's
 * SEGMENTATION_DATA_MODIFIED, then one frame. The render signal, not a sleep.
 */
async function untilModified(page, action) {
  await page.evaluate(() => {
    if (window.__segModified) return;
    window.__segModified = { count: 0 };
    window.cornerstone.eventTarget.addEventListener(window.cornerstoneTools.Enums.Events.SEGMENTATION_DATA_MODIFIED, () => window.__segModified.count++);
  });
  const before = await page.evaluate(() => window.__segModified.count);
  await action();
  await page.waitForFunction(n => window.__segModified.count > n, before, { timeout: 120_000, polling: 200 });
  await page.evaluate(() => new Promise(r => requestAnimationFrame(() => r())));
}

const added = (before, after) => {
  const out = {};
  for (const v of new Set([...Object.keys(before.counts), ...Object.keys(after.counts)])) {
    const d = (after.counts[v] ?? 0) - (before.counts[v] ?? 0);
    if (d) out[v] = d;
  }
  return out;
};

/** A horizontal stroke across the middle of a view (axial: the brain cavity, soft tissue). */
async function stroke(page, selector = AXIAL) {
  const box = await page.locator(selector).first().boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await untilModified(page, async () => {
    await page.mouse.move(cx - 30, cy);
    await page.mouse.down();
    for (let i = 0; i <= 6; i++) await page.mouse.move(cx - 30 + i * 10, cy, { steps: 2 });
    await page.mouse.up();
  });
}

/** A circle with the Shapes tool (its default): centre at (dx, dy) px from the axial view's centre, radius r px. */
async function circle(page, { dx = 0, dy = 20, r = 30 } = {}) {
  const box = await page.locator(AXIAL).first().boundingBox();
  const cx = box.x + box.width / 2 + dx;
  const cy = box.y + box.height / 2 + dy;
  await untilModified(page, async () => {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + r, cy, { steps: 8 });
    await page.mouse.up();
  });
}

/** The ids of the buttons OHIF's segmentation tab shows (its data-cy attributes). */
const tabButtons = page => page.evaluate(() => [...document.querySelectorAll('[data-cy$="-btn"]')].map(e => e.getAttribute('data-cy').replace(/-btn$/, '')));

test("the segmentation tab offers the tools that work on our series; the others are hidden", async () => {
  const { page } = b;
  await page.waitForSelector('[data-cy=Brush-btn]', { timeout: 60_000 });
  const shown = await tabButtons(page);
  for (const id of ['Brush', 'Eraser', 'Threshold', 'Shapes', 'InterpolateLabelmap', 'SegmentBidirectional']) assert.ok(shown.includes(id), `${id} is not in the tab: ${shown}`);
  // each hidden for the reason in labelmapTools.ts (measured on this sample)
  for (const id of ['LabelmapSlicePropagation', 'MarkerLabelmap', 'ClickSegment', 'LabelMapEditWithContour']) assert.ok(!shown.includes(id), `${id} is still in the tab`);
});

test('threshold brush (Range): its range UI is on the data\'s scale, and it paints only voxels in range', async () => {
  const { page } = b;
  const range = await page.evaluate(() => window.services.toolbarService.getButton('Threshold')?.props?.options?.find(o => o.id === 'threshold-range'));
  assert.deepEqual({ min: range?.min, max: range?.max }, { min: 0, max: 255 });
  await page.click('[data-cy=Threshold-btn]');
  // what its "Range" radio runs, then the range the slider would set: the phantom's soft tissue
  await page.evaluate(() => {
    window.commandsManager.run('setToolActiveToolbar', { toolName: 'ThresholdCircularBrush' });
    window.commandsManager.run('setThresholdRange', { toolNames: ['ThresholdCircularBrush', 'ThresholdSphereBrush'], value: [80, 100] });
  });
  const before = await segmentVoxels(page);
  await stroke(page);
  const after = await segmentVoxels(page);
  await shot(page, 'ohif-threshold-brush');
  const d = added(before, after);
  assert.ok((d[90] ?? 0) > 50, `threshold brush added ${JSON.stringify(d)}`);
  assert.deepEqual(Object.keys(d), ['90'], `threshold brush painted outside 80–100: ${JSON.stringify(d)}`);
});

test('eraser: takes the stroke\'s voxels out of the segment again', async () => {
  const { page } = b;
  const before = await segmentVoxels(page);
  await page.click('[data-cy=Eraser-btn]');
  await stroke(page);
  const after = await segmentVoxels(page);
  const d = added(before, after);
  assert.ok((d[90] ?? 0) < -50, `eraser changed ${JSON.stringify(d)}`);
  for (const v of Object.values(d)) assert.ok(v < 0, `eraser added voxels: ${JSON.stringify(d)}`);
});

test('shapes (its default, circle): fills a disc on the slice with the segment, whatever the values', async () => {
  const { page } = b;
  const before = await segmentVoxels(page);
  await page.click('[data-cy=Shapes-btn]');
  await circle(page); // centre, then drag out the radius
  const after = await segmentVoxels(page);
  await shot(page, 'ohif-shapes');
  const d = added(before, after);
  const total = Object.values(d).reduce((s, v) => s + v, 0);
  assert.ok(total > 100, `circle added ${JSON.stringify(d)}`);
  for (const v of Object.values(d)) assert.ok(v > 0, `circle removed voxels: ${JSON.stringify(d)}`);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('segment bidirectional: measures the segment it is run on, changes no voxel; our STL export sees the painted segment', async () => {
  const { page } = b;
  // a segment of its own: one disc, drawn with Shapes on the axial slice
  const segmentationId = await page.evaluate(() => window.services.segmentationService.getSegmentations()[0].segmentationId);
  await page.evaluate(id => window.services.segmentationService.addSegment(id, { label: 'Disc', setActive: true }), segmentationId);
  await page.waitForFunction(id => window.services.segmentationService.getSegmentation(id).segments[2]?.active === true, segmentationId);
  await page.click('[data-cy=Shapes-btn]');
  await circle(page, { dx: 25, dy: 25, r: 20 });
  const disc = await segmentVoxels(page, 2);
  assert.equal(disc.slices, 1);
  assert.ok(disc.total > 200, `the disc has ${disc.total} voxels`);
  // its extent in mm (x 0.9 mm, y 0.8 mm pixels): what a largest-diameter measure must find
  const extentMm = await page.evaluate(() => {
    const { segmentationService, imageStackService } = window.services;
    const seg = segmentationService.getSegmentations()[0];
    const L = window.cornerstoneTools.segmentation.state.getSegmentation(seg.segmentationId).representationData.Labelmap;
    const volume = window.cornerstone.cache.getVolume(L.volumeId ?? L.geometryVolumeId ?? '');
    const { stack, geometry } = imageStackService.latest();
    let [i0, i1, j0, j1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const id of volume?.imageIds ?? L.imageIds ?? []) {
      const d = window.cornerstone.cache.getImage(id)?.voxelManager.getScalarData() ?? [];
      for (let p = 0; p < d.length; p++) {
        if (d[p] !== 2) continue;
        const i = p % stack.columns;
        const j = Math.floor(p / stack.columns);
        [i0, i1, j0, j1] = [Math.min(i0, i), Math.max(i1, i), Math.min(j0, j), Math.max(j1, j)];
      }
    }
    return { x: (i1 - i0) * geometry.pixelSpacingXMm, y: (j1 - j0) * geometry.pixelSpacingYMm };
  });
  await page.click('[data-cy=SegmentBidirectional-btn]');
  // OHIF draws the measurement and keeps its numbers with the segment
  await page.waitForFunction(id => !!window.services.segmentationService.getSegmentation(id).segments[2]?.cachedStats?.namedStats?.bidirectional, segmentationId, { timeout: 120_000, polling: 500 });
  const measured = await page.evaluate(id => {
    const { value, unit, annotationUID } = window.services.segmentationService.getSegmentation(id).segments[2].cachedStats.namedStats.bidirectional;
    const drawn = window.cornerstoneTools.annotation.state.getAnnotation(annotationUID)?.metadata.toolName;
    return { length: value.maxMajor, width: value.maxMinor, unit, drawn };
  }, segmentationId);
  assert.equal(measured.drawn, 'SegmentBidirectional');
  await shot(page, 'ohif-segment-bidirectional');
  const diameter = Math.max(extentMm.x, extentMm.y);
  assert.equal(measured.unit, 'mm');
  assert.ok(Math.abs(measured.length - diameter) <= 2, `bidirectional length ${measured.length} mm vs the disc's ${diameter.toFixed(1)} mm`);
  assert.ok(measured.width <= measured.length + 1e-6 && measured.width >= 0.7 * measured.length, `bidirectional width ${measured.width} mm, length ${measured.length} mm`);
  assert.deepEqual(await segmentVoxels(page, 2), disc, 'segment bidirectional changed voxels');

  // our export of that segment: a closed slab of the disc's voxels (one slice, 1.3 mm thick)
  await page.click('[data-cy=workflow-btn]');
  await page.waitForSelector('[data-cy=imagestack-export-segment] option[value="2"]', { state: 'attached', timeout: 60_000 });
  await page.selectOption('[data-cy=imagestack-export-segment]', '2');
  await page.selectOption('[data-cy=imagestack-export-smooth]', '0');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), page.click('[data-cy=imagestack-export-stl]')]);
  const m = stlMeasures(readBinaryStl(new Uint8Array(fs.readFileSync(await download.path()))));
  const voxelMl = (disc.total * 0.9 * 0.8 * 1.3) / 1000;
  assert.ok(m.closedAndOriented, 'the exported disc is not closed');
  assert.ok(Math.abs(m.volumeMl - voxelMl) / voxelMl < 0.15, `STL ${m.volumeMl.toFixed(3)} mL vs the painted voxels' ${voxelMl.toFixed(3)} mL`);
  await page.click('[data-cy=panelSegmentationWithToolsLabelMap-btn]');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

/** Scrolls the axial view by `delta` slices and waits until it shows the new one. */
async function scrollAxial(page, delta) {
  await page.evaluate(d => {
    const vp = window.cornerstone.getRenderingEngines()[0].getViewport('mpr-axial');
    const before = vp.getCurrentImageIdIndex();
    window.__scrollTo = before + d;
    window.cornerstone.utilities.scroll(vp, { delta: d });
  }, delta);
  await page.waitForFunction(() => window.cornerstone.getRenderingEngines()[0].getViewport('mpr-axial').getCurrentImageIdIndex() === window.__scrollTo, null, { timeout: 60_000 });
  await page.evaluate(() => new Promise(r => requestAnimationFrame(() => r())));
}

test('interpolate labelmap: discs on two slices 4 apart fill the slices between; our STL export sees one closed piece', async () => {
  const { page } = b;
  const requests = [];
  const onRequest = r => requests.push(r.url());
  page.on('request', onRequest);
  // what the policy refuses, in the page and in its workers (the pipeline runs in one)
  const refused = [];
  const watch = m => /Content Security Policy|Refused to/i.test(m.text()) && refused.push(m.text().slice(0, 300));
  const watchWorker = w => w.on('console', watch);
  page.on('console', watch);
  page.workers().forEach(watchWorker);
  page.on('worker', watchWorker);
  const segmentationId = await page.evaluate(() => window.services.segmentationService.getSegmentations()[0].segmentationId);
  await page.evaluate(id => window.services.segmentationService.addSegment(id, { label: 'Interpolated', setActive: true }), segmentationId);
  await page.waitForFunction(id => window.services.segmentationService.getSegmentation(id).segments[3]?.active === true, segmentationId);
  await page.click('[data-cy=Shapes-btn]');
  await circle(page, { dx: -25, dy: 25, r: 18 });
  await scrollAxial(page, 4);
  await circle(page, { dx: -25, dy: 25, r: 18 });
  const drawn = await segmentVoxels(page, 3);
  const [k0, k1] = Object.keys(drawn.perSlice).map(Number).sort((a, c) => a - c);
  assert.equal(drawn.slices, 2, `the discs are on ${JSON.stringify(drawn.perSlice)}`);
  assert.equal(k1 - k0, 4);

  await page.waitForSelector('[data-cy=InterpolateLabelmap-btn]:not([disabled])', { timeout: 60_000 });
  await page.click('[data-cy=InterpolateLabelmap-btn]');
  // the pipeline runs in Cornerstone's compute worker (SwiftShader, loaded machine): generous
  const t0 = Date.now();
  let filled = drawn;
  while (Date.now() - t0 < 300_000) {
    filled = await segmentVoxels(page, 3);
    if (filled.slices >= 5) break;
    await page.waitForTimeout(1000);
  }
  page.off('request', onRequest);
  page.off('console', watch);
  page.off('worker', watchWorker);
  assert.deepEqual(refused, [], 'the policy refused something during the interpolation');
  await shot(page, 'ohif-interpolate-labelmap');
  for (let k = k0 + 1; k < k1; k++) {
    assert.ok((filled.perSlice[k] ?? 0) > 0.5 * drawn.perSlice[k0], `slice ${k} has ${filled.perSlice[k] ?? 0} voxels after interpolation, the discs ${drawn.perSlice[k0]}, ${drawn.perSlice[k1]}`);
  }
  assert.equal(filled.perSlice[k0], drawn.perSlice[k0], 'the drawn slice changed');
  // the pipeline (run in Cornerstone's compute worker, whose requests the page sees too) came
  // from our origin, where the build put it (platform/app/scripts/itk-pipelines.cjs)
  const origin = new URL(page.url()).origin;
  assert.deepEqual(requests.filter(u => !u.startsWith(origin) && !/^(data|blob):/.test(u)), []);
  for (const f of ['morphological-contour-interpolation.js', 'morphological-contour-interpolation.wasm']) {
    assert.ok(requests.includes(`${origin}/itk-pipelines/morphological-contour-interpolation/${f}`), `${f} not loaded from our origin: ${requests.filter(u => /itk|pipeline/.test(u))}`);
  }
  console.log(`interpolation: ${drawn.total} voxels on slices ${k0}, ${k1} -> ${filled.total} on ${filled.slices} slices in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  await page.click('[data-cy=workflow-btn]');
  await page.waitForSelector('[data-cy=imagestack-export-segment] option[value="3"]', { state: 'attached', timeout: 60_000 });
  await page.selectOption('[data-cy=imagestack-export-segment]', '3');
  await page.selectOption('[data-cy=imagestack-export-smooth]', '0');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), page.click('[data-cy=imagestack-export-stl]')]);
  const mesh = readBinaryStl(new Uint8Array(fs.readFileSync(await download.path())));
  const m = stlMeasures(mesh);
  assert.ok(m.closedAndOriented, 'the exported interpolated segment is not closed');
  assert.equal(stlPieces(mesh), 1, 'the exported interpolated segment is not one piece');
  const voxelMl = (filled.total * 0.9 * 0.8 * 1.3) / 1000;
  assert.ok(Math.abs(m.volumeMl - voxelMl) / voxelMl < 0.15, `STL ${m.volumeMl.toFixed(3)} mL vs the segment's ${voxelMl.toFixed(3)} mL`);
  await page.click('[data-cy=panelSegmentationWithToolsLabelMap-btn]');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('chosen while the 3D view is active, the brush makes the last 2D view active and paints there', async () => {
  const { page } = b;
  await open3DLayout(page);
  const ids = await page.evaluate(() => {
    const vps = window.cornerstone.getRenderingEngines()[0].getViewports();
    return { v3d: vps.find(v => v.type === 'volume3d').id, sagittal: vps.find(v => v.type !== 'volume3d' && Math.abs(v.getCamera().viewPlaneNormal[0]) > 0.99)?.id };
  });
  assert.ok(ids.sagittal, 'no sagittal view in the 3D layout');
  if (!(await page.isVisible('[data-cy=Brush-btn]'))) await page.click('[data-cy=panelSegmentationWithToolsLabelMap-btn]');
  // the user works in the sagittal view, then turns to the 3D view
  await page.evaluate(id => window.services.viewportGridService.setActiveViewportId(id), ids.sagittal);
  await page.evaluate(id => window.services.viewportGridService.setActiveViewportId(id), ids.v3d);
  await page.waitForFunction(id => window.services.viewportGridService.getActiveViewportId() === id, ids.v3d);
  // OHIF disabled the brush here ("Create new segmentation to enable this tool"): now it is on
  await page.waitForSelector('[data-cy=Brush-btn]:not([disabled])', { timeout: 60_000 });
  const before = await segmentVoxels(page);
  await page.click('[data-cy=Brush-btn]');
  await page.waitForFunction(id => window.services.viewportGridService.getActiveViewportId() === id, ids.sagittal, { timeout: 30_000 });
  const tool = await page.evaluate(id => window.cornerstoneTools.ToolGroupManager.getToolGroupForViewport(id).getActivePrimaryMouseButtonTool(), ids.sagittal);
  assert.match(tool, /Brush/);
  await stroke(page, `[data-viewport-uid="${ids.sagittal}"] canvas, [data-viewportid="${ids.sagittal}"] canvas`);
  const after = await segmentVoxels(page);
  await shot(page, 'ohif-brush-from-3d');
  assert.ok(after.total > before.total, `the brush from the 3D view painted ${after.total - before.total} voxels`);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});
