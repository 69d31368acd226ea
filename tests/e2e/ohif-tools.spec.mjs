// OHIF's own labelmap tools, from its segmentation tab, on our 8-bit series: each one must
// paint (or erase) voxels of the active segment, and only the voxels it should. The sample
// phantom's values are known (air 0, soft tissue 90, bone 220, ruler 255), so a tool that
// paints outside its range is caught. Covered here: threshold brush (Range, with the range
// UI on the data's scale), eraser, shapes (circle). Not yet: one-click region
// segmentation, GrowCut, interpolation / slice propagation, segment bidirectional.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, shot, startViewer, waitForRenderedViewports } from './lib/browser.mjs';

const AXIAL = '[data-viewport-uid="mpr-axial"] canvas, [data-viewportid="mpr-axial"] canvas';

let viewer;
let b;
before(async () => {
  viewer = await startViewer();
  b = await openBrowser({ width: 1400, height: 850 });
  await b.page.goto(viewer.url + '/');
  await b.page.click('[data-cy=imagestack-load-sample]');
  await waitForRenderedViewports(b.page, { minViewports: 3 });
  // a segment to paint into: our panel's whole-volume threshold of the skull (200–240)
  await b.page.waitForSelector('[data-cy=imagestack-threshold-min]', { timeout: 60_000 });
  await b.page.fill('[data-cy=imagestack-threshold-min]', '200');
  await b.page.fill('[data-cy=imagestack-threshold-max]', '240');
  await b.page.click('[data-cy=imagestack-threshold-apply]');
  await b.page.waitForFunction(() => window.services.segmentationService.getSegmentations().length > 0, null, { timeout: 120_000, polling: 1000 });
  await b.page.click('[data-cy=panelSegmentationWithToolsLabelMap-btn]');
});
after(async () => {
  await b?.browser.close();
  await viewer?.close();
});

/**
 * Voxels of the active segment by the sample's value under them: { counts: {value: n}, slices }.
 * Labelmap slices are read in the labelmap volume's order (sorted by position, as the stack).
 */
function segmentVoxels(page) {
  return page.evaluate(() => {
    const { segmentationService, imageStackService } = window.services;
    const seg = segmentationService.getSegmentations()[0];
    const index = Object.values(seg.segments).find(s => s.active)?.segmentIndex ?? 1;
    const L = window.cornerstoneTools.segmentation.state.getSegmentation(seg.segmentationId).representationData.Labelmap;
    const volume = window.cornerstone.cache.getVolume(L.volumeId ?? L.geometryVolumeId ?? '');
    const ids = volume?.imageIds ?? L.imageIds ?? [];
    const { stack } = imageStackService.latest();
    const perSlice = stack.columns * stack.rows;
    const counts = {};
    const slices = new Set();
    ids.forEach((id, k) => {
      const d = window.cornerstone.cache.getImage(id)?.voxelManager.getScalarData() ?? [];
      for (let i = 0; i < d.length; i++) {
        if (d[i] !== index) continue;
        const v = stack.voxels[k * perSlice + i];
        counts[v] = (counts[v] ?? 0) + 1;
        slices.add(k);
      }
    });
    return { index, counts, slices: slices.size };
  });
}

const added = (before, after) => {
  const out = {};
  for (const v of new Set([...Object.keys(before.counts), ...Object.keys(after.counts)])) {
    const d = (after.counts[v] ?? 0) - (before.counts[v] ?? 0);
    if (d) out[v] = d;
  }
  return out;
};

/** A horizontal stroke across the middle of the axial view (the brain cavity: soft tissue). */
async function stroke(page) {
  const box = await page.locator(AXIAL).first().boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx - 30, cy);
  await page.mouse.down();
  for (let i = 0; i <= 6; i++) await page.mouse.move(cx - 30 + i * 10, cy, { steps: 2 });
  await page.mouse.up();
  await page.waitForTimeout(1000);
}

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
  const box = await page.locator(AXIAL).first().boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // centre, then drag out the radius
  await page.mouse.move(cx, cy + 20);
  await page.mouse.down();
  await page.mouse.move(cx + 30, cy + 20, { steps: 8 });
  await page.mouse.up();
  await page.waitForTimeout(1000);
  const after = await segmentVoxels(page);
  await shot(page, 'ohif-shapes');
  const d = added(before, after);
  const total = Object.values(d).reduce((s, v) => s + v, 0);
  assert.ok(total > 100, `circle added ${JSON.stringify(d)}`);
  for (const v of Object.values(d)) assert.ok(v > 0, `circle removed voxels: ${JSON.stringify(d)}`);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});
