// Refine as the user this product exists for would: the sample's air, thresholded, takes the
// airway and the air outside the head (they meet at the opening); keep the airway by a click
// inside it, hollow it with a 2 mm wall outside (a printable airway keeps its lumen), export,
// and check the downloaded STL itself against the generator's analytic shell.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { openSample, shot } from './lib/browser.mjs';
import { readBinaryStl, stlMeasures } from './lib/stl.mjs';

const require = createRequire(import.meta.url);
const { makeHeadPhantom, PHANTOM_AIR_RANGE, PHANTOM_ANATOMY } = require('../../platform/core/dist/index.js');
// the generator's own analytic answers (the same sample the page's Load sample makes)
const phantom = makeHeadPhantom();
const airway = PHANTOM_ANATOMY.airway;
const airwayMl = phantom.airwayVolumeMl;

const WALL_MM = 2;
let b;
before(async () => {
  b = await openSample({ downloads: true });
});
after(() => b?.close());

const resultText = () => b.page.textContent('[data-cy=imagestack-refine-result]');
/** The "before → after" volumes of the last refine step, mL. */
async function waitForRefine(pattern) {
  await b.page.waitForFunction(
    source => new RegExp(source).test(document.querySelector('[data-cy=imagestack-refine-result]')?.textContent ?? ''),
    pattern.source,
    { timeout: 120_000 },
  );
  const m = /([\d.]+) mL → ([\d.]+) mL/.exec(await resultText());
  return { before: Number(m[1]), after: Number(m[2]) };
}

test('air threshold → keep the airway by a click → hollow 2 mm outside → a closed shell of the analytic volume', async () => {
  const { page } = b;
  const [lo, hi] = PHANTOM_AIR_RANGE;
  await page.fill('[data-cy=imagestack-threshold-min]', String(lo));
  await page.fill('[data-cy=imagestack-threshold-max]', String(hi));
  await page.click('[data-cy=imagestack-threshold-apply]');
  await page.waitForFunction(t => (document.querySelector('[data-cy=imagestack-threshold-result]')?.textContent ?? '').includes(t), `Segment 1 "Threshold ${lo}–${hi}"`, { timeout: 60_000 });

  // a click inside the airway on the axial view, where the axial view's slice crosses it
  await page.click('[data-cy=imagestack-refine-pick]');
  await page.waitForFunction(() => /Click in a view/.test(document.querySelector('[data-cy=imagestack-refine-pick]')?.textContent ?? ''));
  const [ax, ay] = airway.centreMm;
  const target = await page.evaluate(([x, y]) => {
    const vp = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.id === 'mpr-axial' || v.element?.closest?.('[data-viewportid="mpr-axial"]'));
    const z = vp.getCamera().focalPoint[2];
    const c = vp.worldToCanvas([x, y, z]);
    const r = vp.canvas.getBoundingClientRect();
    return { x: r.left + c[0], y: r.top + c[1], z };
  }, [ax, ay]);
  assert.ok(target.z < airway.zTopMm - 2, `the axial slice (z ${target.z} mm) does not cross the airway`);
  await page.mouse.click(target.x, target.y);
  const kept = await waitForRefine(/Kept the piece at/);
  assert.ok(kept.after < kept.before / 5, `keeping the airway left ${kept.after} of ${kept.before} mL`);
  assert.ok(Math.abs(kept.after - airwayMl) / airwayMl < 0.03, `airway ${kept.after} mL vs analytic ${airwayMl.toFixed(2)} mL`);
  await shot(page, 'refine-airway');

  await page.fill('[data-cy=imagestack-refine-hollow-mm]', String(WALL_MM));
  await page.selectOption('[data-cy=imagestack-refine-hollow-side]', 'outside');
  await page.click('[data-cy=imagestack-refine-hollow]');
  const hollow = await waitForRefine(/Hollowed/);
  const shellMl = phantom.airwayShellVolumeMl(WALL_MM);
  assert.ok(Math.abs(hollow.after - shellMl) / shellMl < 0.03, `shell ${hollow.after} mL vs analytic ${shellMl.toFixed(2)} mL`);

  await page.selectOption('[data-cy=imagestack-export-smooth]', '0');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), page.click('[data-cy=imagestack-export-stl]')]);
  assert.match(download.suggestedFilename(), new RegExp(`Threshold ${lo}–${hi}\\.stl$`));
  const stl = readBinaryStl(new Uint8Array(fs.readFileSync(await download.path())));
  const m = stlMeasures(stl);
  assert.ok(m.closedAndOriented, 'the hollow airway STL has an open or inconsistently wound edge');
  assert.ok(Math.abs(m.volumeMl - shellMl) / shellMl < 0.03, `STL volume ${m.volumeMl.toFixed(2)} mL vs analytic shell ${shellMl.toFixed(2)} mL`);
  assert.match(await page.textContent('[data-cy=imagestack-mesh-pieces]'), /1 solid, 1 enclosed cavity|1 solid/);

  // the sidecar records each step with its parameters, in order
  const [sidecarDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-cy=imagestack-export-sidecar]')]);
  const sidecar = JSON.parse(fs.readFileSync(await sidecarDownload.path(), 'utf8'));
  const ops = sidecar.operations.map(o => o.op);
  assert.deepEqual(ops.slice(0, 4), ['segment', 'threshold', 'keepIslandAt', 'hollow']);
  assert.equal(sidecar.operations[3].mm, WALL_MM);
  await shot(page, 'refine-hollow-export');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('undo puts back the airway; the stats of the old export are gone', async () => {
  const { page } = b;
  await page.click('[data-cy=imagestack-refine-undo]');
  await page.waitForFunction(() => /Undid hollow/.test(document.querySelector('[data-cy=imagestack-refine-result]')?.textContent ?? ''));
  const back = Number(/is ([\d.]+) mL again/.exec(await resultText())[1]);
  assert.ok(Math.abs(back - airwayMl) / airwayMl < 0.03, `after undo ${back} mL`);
  await page.waitForSelector('[data-cy=imagestack-mesh-stats]', { state: 'detached', timeout: 30_000 });
});

test('a second threshold goes into a new segment named by its range; the first keeps its name', async () => {
  const { page } = b;
  await page.fill('[data-cy=imagestack-threshold-min]', '200');
  await page.fill('[data-cy=imagestack-threshold-max]', '240');
  await page.click('[data-cy=imagestack-threshold-apply]');
  await page.waitForFunction(() => (document.querySelector('[data-cy=imagestack-threshold-result]')?.textContent ?? '').includes('Segment 2 "Threshold 200–240"'), null, { timeout: 60_000 });
  const labels = () => page.evaluate(() => window.services.segmentationService.getSegmentations().map(g => Object.values(g.segments).filter(Boolean).map(s => s.label)));
  const want = [[`Threshold ${PHANTOM_AIR_RANGE[0]}–${PHANTOM_AIR_RANGE[1]}`, 'Threshold 200–240']];
  await page.waitForFunction(w => JSON.stringify(window.services.segmentationService.getSegmentations().map(g => Object.values(g.segments).filter(Boolean).map(s => s.label))) === w, JSON.stringify(want), { timeout: 10_000 }).catch(() => undefined);
  assert.deepEqual(await labels(), want);
  // keep-at-point on a point outside the volume says so and changes nothing
  await page.fill('[data-cy=imagestack-refine-point]', '500, 0, 0');
  await page.click('[data-cy=imagestack-refine-keep-point]');
  await page.waitForSelector('[data-cy=imagestack-refine-error]');
  assert.match(await page.textContent('[data-cy=imagestack-refine-error]'), /outside the volume/);
});
