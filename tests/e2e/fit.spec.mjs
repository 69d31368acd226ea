// Device fit as the user this product exists for would check a tracheostomy tube: the sample's
// air, thresholded, keeps the airway (a cylinder of radius 9 mm along z); a straight tube
// narrower than it is generated, placed by a typed 4×4 inside the airway (clear by the radius
// difference), then moved into the wall (interference appears, drawn on the axial slice), and
// the JSON report downloads with the numbers the panel shows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { openSample, shot } from './lib/browser.mjs';

const require = createRequire(import.meta.url);
const { PHANTOM_AIR_RANGE, PHANTOM_ANATOMY } = require('../../platform/core/dist/index.js');
const airway = PHANTOM_ANATOMY.airway;

const TUBE = { od: 10, id: 7, length: 60 };
const TIP_Z = -80; // the tube runs z −80..−20 mm, well inside the airway (it ends at z 10 mm)
const WALL_SHIFT_MM = 8; // 8 + 5 > 9: the tube's side goes 4 mm through the wall

let b;
before(async () => {
  b = await openSample({ downloads: true });
});

/** The id of the 2D view looking along z (the axial MPR). */
const axialViewportId = page =>
  page.evaluate(() => window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.type !== 'volume3d' && Math.abs(v.getCamera().viewPlaneNormal?.[2] ?? 0) > 0.99).id);
after(() => b?.close());

/** Row-major 4×4: the device's +z along the patient's z, its tip at (x, y, z). */
const matrixAt = ([x, y, z]) => [1, 0, 0, x, 0, 1, 0, y, 0, 0, 1, z, 0, 0, 0, 1];

/** Types a placement, applies it and waits for the full measurement of exactly that placement. */
async function placeAndMeasure(page, m) {
  await page.fill('[data-cy=imagestack-fit-transform]', m.join(', '));
  await page.click('[data-cy=imagestack-fit-apply-transform]');
  await page.waitForFunction(
    want => {
      const el = document.querySelector('[data-cy=imagestack-fit-result]');
      return el?.dataset.full === 'true' && el.dataset.placement?.split(',').map(Number).every((v, i) => Math.abs(v - want[i]) < 1e-9);
    },
    m,
    { timeout: 120_000, polling: 250 },
  );
  const text = async cy => (await page.textContent(`[data-cy=${cy}]`)).trim();
  return {
    clearanceMm: Number(/(-?[\d.]+) mm/.exec(await text('imagestack-fit-clearance'))[1]),
    interference: await text('imagestack-fit-interference'),
    interferenceMl: Number(/([\d.]+) mL/.exec(await text('imagestack-fit-interference'))[1]),
    inside: await text('imagestack-fit-inside'),
  };
}

test('keep the airway → use it as anatomy → a tube inside is clear by the radius difference; in the wall it interferes, on the slices too; the report downloads', async () => {
  const { page } = b;
  const [lo, hi] = PHANTOM_AIR_RANGE;
  await page.fill('[data-cy=imagestack-threshold-min]', String(lo));
  await page.fill('[data-cy=imagestack-threshold-max]', String(hi));
  await page.click('[data-cy=imagestack-threshold-apply]');
  await page.waitForFunction(t => (document.querySelector('[data-cy=imagestack-threshold-result]')?.textContent ?? '').includes(t), `Segment 1 "Threshold ${lo}–${hi}"`, { timeout: 60_000 });
  await page.fill('[data-cy=imagestack-refine-point]', airway.pointMm.join(', '));
  await page.click('[data-cy=imagestack-refine-keep-point]');
  await page.waitForFunction(() => /Kept the piece at/.test(document.querySelector('[data-cy=imagestack-refine-result]')?.textContent ?? ''), null, { timeout: 120_000 });

  // the anatomy: the kept airway, meshed as the export meshes it
  await page.selectOption('[data-cy=imagestack-fit-segment]', '1');
  await page.click('[data-cy=imagestack-fit-use-segment]');
  await page.waitForSelector('[data-cy=imagestack-fit-anatomy]', { timeout: 120_000 });
  assert.match(await page.textContent('[data-cy=imagestack-fit-anatomy]'), /^1: Threshold/);

  // a straight tube, narrower than the airway
  await page.fill('[data-cy=imagestack-fit-od]', String(TUBE.od));
  await page.fill('[data-cy=imagestack-fit-id]', String(TUBE.id));
  await page.fill('[data-cy=imagestack-fit-length]', String(TUBE.length));
  await page.fill('[data-cy=imagestack-fit-bend-angle]', '0');
  await page.fill('[data-cy=imagestack-fit-cuff]', '');
  await page.click('[data-cy=imagestack-fit-add-tube]');
  await page.waitForSelector('[data-cy=imagestack-fit-transform]');

  const [cx, cy] = airway.centreMm;
  const inside = await placeAndMeasure(page, matrixAt([cx, cy, TIP_Z]));
  const expected = airway.radiusMm - TUBE.od / 2;
  assert.ok(Math.abs(inside.clearanceMm - expected) <= 0.5, `clearance ${inside.clearanceMm} mm, expected ${expected} ± 0.5 mm`);
  assert.equal(inside.interferenceMl, 0, `interference inside the airway: ${inside.interference}`);
  assert.equal(inside.inside, 'yes');
  await shot(page, 'fit-inside');

  const wall = await placeAndMeasure(page, matrixAt([cx + WALL_SHIFT_MM, cy, TIP_Z]));
  assert.ok(wall.interferenceMl > 0, `no interference in the wall: ${wall.interference}`);
  assert.match(wall.interference, /slices \d+–\d+/);
  assert.ok(wall.clearanceMm < 0, `clearance ${wall.clearanceMm} mm in the wall`);
  assert.equal(wall.inside, 'no');

  // the views go to the deepest point: the axial slice there cuts the tube, and its contour is drawn
  await page.click('[data-cy=imagestack-fit-jump]');
  const axialId = await axialViewportId(page);
  await page.waitForFunction(
    id => Number(document.querySelector(`[data-cy=imagestack-fit-contour][data-viewport-id="${id}"]`)?.dataset.segments ?? 0) > 0,
    axialId,
    { timeout: 60_000, polling: 250 },
  );
  const axialZ = await page.evaluate(id => window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.id === id).getCamera().focalPoint[2], axialId);
  assert.ok(axialZ > TIP_Z && axialZ < TIP_Z + TUBE.length, `the axial view went to z ${axialZ} mm, off the tube`);
  await shot(page, 'fit-wall-contour');

  const [download] = await Promise.all([
    page.waitForEvent('download', { predicate: d => d.suggestedFilename().endsWith('.json'), timeout: 60_000 }),
    page.click('[data-cy=imagestack-fit-report]'),
  ]);
  const report = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(report.kind, 'imagestack-device-fit');
  assert.ok(Math.abs(report.result.min_clearance_mm - wall.clearanceMm) < 0.01, `report clearance ${report.result.min_clearance_mm} vs panel ${wall.clearanceMm}`);
  assert.ok(Math.abs(report.result.interference_mL - wall.interferenceMl) < 0.001);
  assert.equal(report.result.device_inside, false);
  assert.deepEqual(report.transform, matrixAt([cx + WALL_SHIFT_MM, cy, TIP_Z]));
  assert.deepEqual(report.device.source, { kind: 'tube', params: { outerDiameterMm: TUBE.od, innerDiameterMm: TUBE.id, lengthMm: TUBE.length } });
  assert.equal(report.series.dims[2], 150);
  assert.equal(report.anatomy.segmentIndex, 1);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

/** Waits for the full measurement of a placement whose tip is at x (mm); returns the placement. */
async function waitForTipX(page, x) {
  const placement = await page.waitForFunction(
    want => {
      const el = document.querySelector('[data-cy=imagestack-fit-result]');
      const m = el?.dataset.placement?.split(',').map(Number);
      return el?.dataset.full === 'true' && m && Math.abs(m[3] - want) < 1e-9 ? m : null;
    },
    x,
    { timeout: 240_000, polling: 500 },
  );
  return placement.jsonValue();
}

test('the device is an actor in the 3D view at its placement, coloured by distance; a nudge by button or arrow key moves it and re-measures', async () => {
  const { page } = b;
  const [cx, cy] = airway.centreMm;
  // the 3D view last: on two shared cores SwiftShader's volume rendering slows every step after it
  page.setDefaultTimeout(240_000);
  await page.evaluate(() => window.services.hangingProtocolService.setProtocol('mprAnd3DVolumeViewport'));
  await page.waitForFunction(() => !!window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.type === 'volume3d'), null, { timeout: 240_000, polling: 1000 });
  await page.fill('[data-cy=imagestack-fit-step-mm]', '1');
  await page.click('[data-cy=imagestack-fit-nudge-x-minus]');
  await waitForTipX(page, cx + WALL_SHIFT_MM - 1);
  // focused, the section takes the arrow keys: ← is towards the patient's right (−x)
  await page.focus('[data-cy=imagestack-fit]');
  await page.keyboard.press('ArrowLeft');
  const m = await waitForTipX(page, cx + WALL_SHIFT_MM - 2);
  assert.deepEqual(m, matrixAt([cx + WALL_SHIFT_MM - 2, cy, TIP_Z]));
  assert.match(await page.inputValue('[data-cy=imagestack-fit-transform]'), new RegExp(`^1, 0, 0, ${cx + WALL_SHIFT_MM - 2}\\n`));

  const userMatrix = await page.waitForFunction(
    () => {
      const v = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.type === 'volume3d');
      const a = v?.getActors().find(a => a.uid === 'imagestack-fit-device-1');
      return a ? Array.from(a.actor.getUserMatrix()) : null;
    },
    null,
    { timeout: 240_000, polling: 1000 },
  );
  const um = await userMatrix.jsonValue();
  // column-major (vtk.js): the translation in 12..14
  assert.deepEqual(um.slice(12), [cx + WALL_SHIFT_MM - 2, cy, TIP_Z, 1]);
  // coloured by signed distance: some corners red (in the wall), some green (clear)
  const colours = await page.evaluate(() => {
    const v = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.type === 'volume3d');
    const s = v.getActors().find(a => a.uid === 'imagestack-fit-device-1').actor.getMapper().getInputData().getPointData().getScalars();
    if (!s) return null;
    const d = s.getData();
    let red = 0, green = 0;
    for (let i = 0; i < d.length; i += 3) {
      if (d[i] > 200 && d[i + 1] < 150) red++;
      if (d[i + 1] > 190 && d[i] < 100) green++;
    }
    return { red, green, name: s.getName() };
  });
  assert.ok(colours && colours.red > 0 && colours.green > 0, `distance colours on the 3D device: ${JSON.stringify(colours)}`);
  const overlays = await page.$$eval('[data-cy=imagestack-fit-contour]', els => els.map(e => e.dataset.viewportId));
  assert.equal(overlays.length, 3, `contour overlays on ${overlays}`);
  await shot(page, 'fit-3d');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});
