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

/** The active device's placement and numbers the panel shows now. */
async function shown(page) {
  return page.evaluate(() => {
    const el = document.querySelector('[data-cy=imagestack-fit-result]');
    return {
      full: el?.dataset.full === 'true',
      placement: el?.dataset.placement?.split(',').map(Number),
      clearance: document.querySelector('[data-cy=imagestack-fit-clearance]')?.textContent.trim(),
    };
  });
}

test('"Move device": a drag on the device in the 3D view moves it in the screen plane (the nudges’ command) and the clearance follows', async () => {
  const { page } = b;
  page.setDefaultTimeout(240_000);
  const before = await shown(page);
  assert.ok(before.full && before.placement, 'a full measurement to start from');
  await page.click('[data-cy=imagestack-fit-move-device]');
  await page.waitForSelector('[data-imagestack-move-device=on]');
  // from the device's middle towards the airway's axis, as the 3D view projects them
  const [cx, cy] = airway.centreMm;
  const path = await page.evaluate(
    ({ centre, towards }) => {
      const vp = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.type === 'volume3d');
      const r = vp.element.getBoundingClientRect();
      const a = vp.worldToCanvas(centre), b = vp.worldToCanvas(towards);
      const d = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
      // 30 px in the direction of the axis (or straight right if it is along the view)
      const ux = d > 2 ? (b[0] - a[0]) / d : 1, uy = d > 2 ? (b[1] - a[1]) / d : 0;
      return { x: r.left + a[0], y: r.top + a[1], ux, uy, inside: a[0] >= 0 && a[1] >= 0 && a[0] <= r.width && a[1] <= r.height };
    },
    { centre: [before.placement[3], cy, TIP_Z + TUBE.length / 2], towards: [cx, cy, TIP_Z + TUBE.length / 2] },
  );
  assert.ok(path.inside, `the device's middle is off the 3D view: ${JSON.stringify(path)}`);
  await page.mouse.move(path.x, path.y);
  await page.mouse.down();
  // one step (each step re-renders the 3D view, seconds in SwiftShader on a loaded machine)
  await page.mouse.move(path.x + 30 * path.ux, path.y + 30 * path.uy);
  await page.mouse.up();
  const after = await page
    .waitForFunction(
      was => {
        const el = document.querySelector('[data-cy=imagestack-fit-result]');
        const m = el?.dataset.placement?.split(',').map(Number);
        return el?.dataset.full === 'true' && el.dataset.measuring === 'false' && m && m.some((v, i) => Math.abs(v - was[i]) > 1e-6) ? m : null;
      },
      before.placement,
      { timeout: 240_000, polling: 500 },
    )
    .catch(async e => {
      const error = await page.textContent('[data-cy=imagestack-fit-error]', { timeout: 1000 }).catch(() => '');
      throw new Error(`the drag did not move the device: ${JSON.stringify(await shown(page))} ${error} (${e.message})`);
    });
  const m = await after.jsonValue();
  // moved, not turned: the rotation part is as it was; the tip moved in the view plane
  assert.deepEqual(m.filter((_, i) => i % 4 !== 3), before.placement.filter((_, i) => i % 4 !== 3));
  const moved = Math.hypot(m[3] - before.placement[3], m[7] - before.placement[7], m[11] - before.placement[11]);
  assert.ok(moved > 0.5, `the drag moved the device ${moved} mm`);
  assert.match(await page.inputValue('[data-cy=imagestack-fit-transform]'), new RegExp(`^1, 0, 0, ${Number(m[3].toFixed(6))}\\n`));
  const now = await shown(page);
  assert.notEqual(now.clearance, before.clearance, `the clearance stayed ${now.clearance}`);
  // off again: a press in the 3D view is the camera's
  await page.click('[data-cy=imagestack-fit-move-device]');
  await page.waitForFunction(() => !document.querySelector('[data-imagestack-move-device=on]'));
  await shot(page, 'fit-dragged');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

/** Width, height, bit depth and colour type from a PNG's signature and IHDR chunk. */
function pngHeader(bytes) {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.ok(sig.every((v, i) => bytes[i] === v), 'not a PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24], colourType: bytes[25] };
}

test('the report’s PNGs are real images of the worst slice (with the device drawn) and of the 3D view', async () => {
  const { page } = b;
  page.setDefaultTimeout(240_000);
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-cy=imagestack-fit-result]');
    return el?.dataset.full === 'true' && el.dataset.measuring === 'false' && !document.querySelector('[data-cy=imagestack-fit-report]')?.disabled;
  });
  const downloads = [];
  const three = new Promise(resolve => {
    const take = d => {
      downloads.push(d);
      if (downloads.length === 3) {
        page.off('download', take);
        resolve();
      }
    };
    page.on('download', take);
  });
  await page.click('[data-cy=imagestack-fit-report]');
  await Promise.race([three, new Promise((_, reject) => setTimeout(() => reject(new Error(`report: ${downloads.map(d => d.suggestedFilename())} of 3 files`)), 120_000))]);
  const byName = Object.fromEntries(await Promise.all(downloads.map(async d => [d.suggestedFilename(), fs.readFileSync(await d.path())])));
  const name = suffix => Object.keys(byName).find(n => n.endsWith(suffix));
  assert.ok(name('.json') && name(' - closest slice.png') && name(' - 3D.png'), `report files: ${Object.keys(byName)}`);

  // the canvases the snapshots are of: the first 2D view (moved to the closest point) and the 3D view
  const sizes = await page.evaluate(() => {
    const vps = window.cornerstone.getRenderingEngines()[0].getViewports();
    const size = v => [v.canvas.width, v.canvas.height];
    return { '2d': size(vps.find(v => v.type !== 'volume3d')), '3d': size(vps.find(v => v.type === 'volume3d')) };
  });
  for (const [kind, suffix] of [['2d', ' - closest slice.png'], ['3d', ' - 3D.png']]) {
    const bytes = byName[name(suffix)];
    const h = pngHeader(bytes);
    assert.deepEqual([h.width, h.height], sizes[kind], `${kind} PNG ${h.width}×${h.height}, its view ${sizes[kind]}`);
    assert.equal(h.bitDepth, 8);
    // decoded by the browser: pixels unlike the background (the corner), and in the slice the device's outline or marker
    const stats = await page.evaluate(async b64 => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let other = 0, device = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 30) other++;
        // the active device's contour (#38bdf8) or the closest-point marker (#f97316)
        const near = (r, g, bl) => Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - bl) < 60;
        if (near(56, 189, 248) || near(249, 115, 22)) device++;
      }
      return { pixels: d.length / 4, other, device };
    }, bytes.toString('base64'));
    assert.ok(stats.other > 0.01 * stats.pixels, `${kind} PNG is nearly blank: ${JSON.stringify(stats)}`);
    if (kind === '2d') assert.ok(stats.device > 20, `the closest slice shows no device outline or marker: ${JSON.stringify(stats)}`);
  }
  const report = JSON.parse(byName[name('.json')].toString('utf8'));
  assert.equal(report.kind, 'imagestack-device-fit');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});
