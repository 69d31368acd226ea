// The foundation, as a new user meets it: the root URL is our import page, and "Load sample"
// opens the generated phantom in our mode with MPR views that really show it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, shot, startViewer, waitForRenderedViewports } from './lib/browser.mjs';
import { canvasStats } from './lib/pixels.mjs';

let viewer;
let b;
before(async () => {
  viewer = await startViewer();
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await viewer?.close();
});

test('the root URL shows the ImageStack import, not a study list', async () => {
  await b.page.goto(viewer.url + '/');
  await b.page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  assert.equal(await b.page.locator('[data-cy=imagestack-file-input]').count(), 1);
  assert.equal(await b.page.locator('[data-cy=imagestack-folder-input]').getAttribute('webkitdirectory'), '');
  assert.equal(await b.page.locator('[data-cy=study-list-container], [data-cy=study-list-results]').count(), 0);
  await shot(b.page, 'import');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('Load sample opens the phantom in our mode, rendered in MPR', async () => {
  await b.page.click('[data-cy=imagestack-load-sample]');
  await b.page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 30_000 });
  await waitForRenderedViewports(b.page, { minViewports: 3 });
  // our workflow panel is the one shown on the right
  await b.page.waitForSelector('[data-cy=imagestack-stl-panel]', { timeout: 30_000 });
  const geometry = await b.page.textContent('[data-cy=imagestack-geometry]');
  assert.match(geometry, /192 × 240 × 150/);
  assert.match(geometry, /x 0\.90 mm, y 0\.80 mm/);
  const vps = await b.page.evaluate(() =>
    window.cornerstone
      .getRenderingEngines()[0]
      .getViewports()
      .map(v => ({ id: v.id, type: v.type, volumeId: v.getVolumeId?.() })),
  );
  assert.deepEqual(vps.map(v => v.type).sort(), ['orthographic', 'orthographic', 'orthographic']);
  // the volume is 8-bit: Cornerstone kept Uint8 voxels (no Float32 widening)
  const dtype = await b.page.evaluate(id => {
    const vol = window.cornerstone.cache.getVolume(id);
    return { type: vol.voxelManager?.getConstructor?.()?.name, dims: vol.dimensions, spacing: vol.spacing };
  }, vps[0].volumeId);
  assert.equal(dtype.type, 'Uint8Array');
  assert.deepEqual(dtype.dims, [192, 240, 150]);
  assert.ok(Math.abs(dtype.spacing[0] - 0.9) < 1e-6 && Math.abs(dtype.spacing[1] - 0.8) < 1e-6 && Math.abs(dtype.spacing[2] - 1.3) < 1e-6, JSON.stringify(dtype.spacing));
  await b.page.waitForTimeout(2000);
  for (const v of vps) {
    const s = await canvasStats(b.page, v.id);
    assert.ok(s.std > 10 && s.nonBlackFraction > 0.05, `viewport ${v.id} shows no anatomy: ${JSON.stringify(s)}`);
  }
  await shot(b.page, 'sample-mpr');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('the same stack renders as a 3D volume', async () => {
  // OHIF's own MPR + 3D layout, as the layout menu offers it
  await b.page.evaluate(() => window.services.hangingProtocolService.setProtocol('mprAnd3DVolumeViewport'));
  await b.page.waitForFunction(
    () => {
      const re = window.cornerstone.getRenderingEngines()[0];
      const v3 = re.getViewports().find(v => v.type === 'volume3d');
      return !!v3 && (v3.getActors?.() ?? []).length > 0;
    },
    null,
    { timeout: 120_000, polling: 1000 },
  );
  const id3 = await b.page.evaluate(() => window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.type === 'volume3d').id);
  // SwiftShader renders 3D slowly on two cores: wait for real pixels rather than a fixed time
  let s;
  for (let i = 0; i < 60; i++) {
    s = await canvasStats(b.page, id3);
    if (s.nonBlackFraction > 0.02) break;
    await b.page.waitForTimeout(2000);
  }
  await shot(b.page, 'sample-3d');
  assert.ok(s.nonBlackFraction > 0.02, `3D viewport is blank: ${JSON.stringify(s)}`);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});
