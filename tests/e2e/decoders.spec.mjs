// The decoders in the browser, through the real import page: a JPEG stack with an EXIF
// orientation (libjpeg-turbo's WebAssembly decodes it in the workers and on the page, under the
// page's Content-Security-Policy) is turned upright and says so; a 32-bit float TIFF stack
// (what micro-CT reconstructions are) shows its value range, takes the user's window, and
// opens in the viewer as grey levels mapped through that window, the rescale kept for export.
// Fixtures are written here: the float TIFFs by our own writer below; the JPEG by ImageMagick
// (the CI installs it) with an EXIF block of ours put in front of it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openBrowser, shot, startViewer, waitForRenderedViewports } from './lib/browser.mjs';

// JPEG: stored 48 × 32, its top-left 24 × 16 bright; EXIF orientation 6 shows it turned 90°
// clockwise: 32 × 48, the bright block at the top right.
const JW = 48;
const JH = 32;
const JPEG_SLICES = 4;
// Float TIFF: 40 × 30, value = −500.75 + 10·x + 2·y + 100·k (k the slice).
const TW = 40;
const TH = 30;
const TIFF_SLICES = 3;
const real = (x, y, k) => -500.75 + 10 * x + 2 * y + 100 * k;

/** A little-endian grey TIFF of 32-bit floats (SampleFormat 3), uncompressed, one strip. */
function floatTiff(width, height, value) {
  const entries = [
    [256, 4, width], [257, 4, height], [258, 3, 32], [259, 3, 1], [262, 3, 1], [273, 4, 0], [277, 3, 1], [278, 4, height], [279, 4, width * height * 4], [339, 3, 3],
  ];
  const dataAt = 8 + 2 + entries.length * 12 + 4;
  entries[5][2] = dataAt;
  const b = Buffer.alloc(dataAt + width * height * 4);
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, v], i) => {
    const e = 10 + i * 12;
    b.writeUInt16LE(tag, e);
    b.writeUInt16LE(type, e + 2);
    b.writeUInt32LE(1, e + 4);
    if (type === 3) b.writeUInt16LE(v, e + 8);
    else b.writeUInt32LE(v, e + 8);
  });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) b.writeFloatLE(value(x, y), dataAt + (y * width + x) * 4);
  return b;
}

/** An APP1 Exif segment (big-endian TIFF structure) holding only Orientation (0x0112). */
function exifOrientation(orientation) {
  const tiffPart = Buffer.alloc(8 + 2 + 12 + 4);
  tiffPart.write('MM', 0, 'latin1');
  tiffPart.writeUInt16BE(42, 2);
  tiffPart.writeUInt32BE(8, 4);
  tiffPart.writeUInt16BE(1, 8);
  tiffPart.writeUInt16BE(0x0112, 10);
  tiffPart.writeUInt16BE(3, 12);
  tiffPart.writeUInt32BE(1, 14);
  tiffPart.writeUInt16BE(orientation, 18);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiffPart]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** Grey JPEG k from raw grey samples (ImageMagick), with the EXIF orientation put after SOI. */
function orientedJpeg(dir, k) {
  const grey = Buffer.alloc(JW * JH);
  for (let y = 0; y < JH; y++) for (let x = 0; x < JW; x++) grey[y * JW + x] = x < 24 && y < 16 ? 230 : 20 + k * 10;
  const raw = path.join(dir, `raw${k}.gray`);
  fs.writeFileSync(raw, grey);
  const out = path.join(dir, `plain${k}.jpg`);
  execFileSync('convert', ['-size', `${JW}x${JH}`, '-depth', '8', `gray:${raw}`, '-quality', '95', '-strip', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  const jpg = fs.readFileSync(out);
  assert.deepEqual([...jpg.subarray(0, 2)], [0xff, 0xd8]);
  return Buffer.concat([jpg.subarray(0, 2), exifOrientation(6), jpg.subarray(2)]);
}

let dir;
let viewer;
let b;
const jpegFiles = [];
const tiffFiles = [];
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-decoders-'));
  for (let k = 0; k < JPEG_SLICES; k++) {
    const f = path.join(dir, `photo_${k + 1}.jpg`);
    fs.writeFileSync(f, orientedJpeg(dir, k));
    jpegFiles.push(f);
  }
  for (let k = 0; k < TIFF_SLICES; k++) {
    const f = path.join(dir, `rec_${String(k).padStart(4, '0')}.tif`);
    fs.writeFileSync(f, floatTiff(TW, TH, (x, y) => real(x, y, k)));
    tiffFiles.push(f);
  }
  viewer = await startViewer();
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await viewer?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const text = sel => b.page.textContent(`[data-cy=${sel}]`);
const fill = (sel, value) => b.page.fill(`[data-cy=${sel}]`, value);

/** The loaded volume of the viewer, once every slice has arrived: dimensions, type and a reader of voxels. */
async function loadedVolume(pick) {
  await waitForRenderedViewports(b.page, { minViewports: 1 });
  await b.page.waitForFunction(
    () => {
      const vp = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.getVolumeId?.());
      return !!vp && !!window.cornerstone.cache.getVolume(vp.getVolumeId())?.loadStatus?.loaded;
    },
    null,
    { timeout: 120_000, polling: 250 },
  );
  return b.page.evaluate(pick => {
    const vp = window.cornerstone.getRenderingEngines()[0].getViewports().find(v => v.getVolumeId?.());
    const v = window.cornerstone.cache.getVolume(vp.getVolumeId());
    const data = v.voxelManager.getCompleteScalarDataArray();
    const [nx, ny] = v.dimensions;
    const at = ([x, y, z]) => data[z * nx * ny + y * nx + x];
    return { dims: v.dimensions, type: data.constructor.name, values: pick.map(at) };
  }, pick);
}

async function openImport(files) {
  await b.page.goto(viewer.url + '/');
  await b.page.waitForSelector('[data-cy=imagestack-import]', { timeout: 60_000 });
  await b.page.setInputFiles('[data-cy=imagestack-file-input]', files);
  try {
    await b.page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 60_000 });
  } catch (e) {
    // what the page said instead (an error line, a check still waiting)
    const said = await b.page.textContent('[data-cy=imagestack-import]').catch(() => '');
    throw new Error(`${e.message.split('\n')[0]}; the page says: ${said.slice(0, 1500)}; errors: ${b.errors.join(' | ').slice(0, 1500)}`);
  }
}

test('a JPEG stack with EXIF orientation 6 is turned upright (reported), decoded by libjpeg-turbo in the browser and loaded so', async () => {
  await openImport(jpegFiles);
  assert.match(await text('imagestack-check-size'), /32 × 48 pixels/);
  assert.match(await text('imagestack-check-format'), /JPEG/i);
  assert.match(await text('imagestack-check-orientation'), /EXIF orientation applied: photo_1\.jpg \(6: turned 90° clockwise\), photo_2\.jpg \(6: turned 90° clockwise\), photo_3\.jpg .*4 files in all/);
  await fill('imagestack-spacing-x', '0.5');
  await fill('imagestack-spacing-y', '0.5');
  await fill('imagestack-slice-spacing', '1');
  await b.page.click('[data-cy=imagestack-load]');
  await b.page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 120_000 });
  // displayed (x, y) of stored (x', y') under orientation 6: x = 31 − y', y = x'
  const vol = await loadedVolume([
    [28, 4, 0], // stored (4, 3): inside the bright block
    [3, 4, 0], // stored (4, 28): outside
    [28, 40, 0], // stored (40, 3): outside
    [3, 4, 3], // the last slice's dark level
  ]);
  assert.deepEqual(vol.dims, [32, 48, JPEG_SLICES]);
  assert.equal(vol.type, 'Uint8Array');
  const [bright, dark, darkToo, darkLast] = vol.values;
  // JPEG is lossy: within a few grey levels of what was written (flat blocks away from edges)
  assert.ok(Math.abs(bright - 230) <= 4, `bright block ${bright}`);
  assert.ok(Math.abs(dark - 20) <= 4 && Math.abs(darkToo - 20) <= 4, `dark ${dark}, ${darkToo}`);
  assert.ok(Math.abs(darkLast - 50) <= 4, `last slice's dark ${darkLast}`);
  await shot(b.page, 'decoders-jpeg-exif');
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]') || /Content Security Policy|wasm/i.test(e)), []);
});

test('a 32-bit float TIFF stack shows its value range, takes the window the user chooses, and loads as grey levels through it (the rescale kept for export)', async () => {
  await openImport(tiffFiles);
  await b.page.waitForSelector('[data-cy=imagestack-value-low]', { timeout: 60_000 });
  const all = [];
  for (let k = 0; k < TIFF_SLICES; k++) for (let y = 0; y < TH; y++) for (let x = 0; x < TW; x++) all.push(real(x, y, k));
  all.sort((p, q) => p - q);
  const rank = p => all[Math.round((p / 100) * (all.length - 1))];
  const [min, max] = [all[0], all.at(-1)];
  assert.match(await text('imagestack-check-values'), new RegExp(`32-bit floating-point values: ${min} to ${max} in 3 sampled slices`));
  // the default window: the 0.1–99.9 percentiles of the sample (every slice of so small a stack)
  assert.equal(Number(await b.page.inputValue('[data-cy=imagestack-value-low]')), rank(0.1));
  assert.equal(Number(await b.page.inputValue('[data-cy=imagestack-value-high]')), rank(99.9));
  assert.match(await text('imagestack-value-source'), /the 0\.1–99\.9 percentiles of the sample/);
  // the user's window
  await fill('imagestack-value-low', '-500');
  await fill('imagestack-value-high', '1000');
  const slope = 1500 / 65535;
  assert.match(await text('imagestack-check-grey-levels'), /-500 to 1000 → the viewer's grey levels 0 to 65535 .*RescaleSlope 0\.0228885, RescaleIntercept -500/);
  assert.equal(await b.page.isVisible('[data-cy=imagestack-value-default]'), true);
  await fill('imagestack-spacing-x', '0.02');
  await fill('imagestack-spacing-y', '0.02');
  await fill('imagestack-slice-spacing', '0.02');
  await b.page.click('[data-cy=imagestack-load]');
  await b.page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 120_000 });
  const stack = await b.page.evaluate(() => {
    const s = window.services.imageStackService.latest();
    return { bitsStored: s.stack.bitsStored, rescale: s.stack.rescale, first: Array.from(s.stack.voxels.subarray(0, 2)) };
  });
  assert.equal(stack.bitsStored, 16);
  assert.ok(Math.abs(stack.rescale.slope - slope) < 1e-12 && stack.rescale.intercept === -500, JSON.stringify(stack.rescale));
  // voxel = round((value + 500) / slope): the first pixel's −500.75 is clipped to 0, the next is −490.75
  assert.deepEqual(stack.first, [0, Math.round((-490.75 + 500) / slope)]);
  // the viewer's volume holds those grey levels, every slice where it belongs
  const picks = [[10, 5, 1], [39, 29, 2], [20, 15, 0]];
  const vol = await loadedVolume(picks);
  assert.deepEqual(vol.dims, [TW, TH, TIFF_SLICES]);
  assert.deepEqual(
    vol.values,
    picks.map(p => Math.round((real(...p) + 500) / slope)),
  );
  await shot(b.page, 'decoders-float-tiff');

  // a reload offers the session back; restored from the same files it has the same grey levels:
  // the user's window was saved with it, not measured anew (the labelmap is of those levels)
  b.page.on('dialog', d => void d.accept());
  await b.page.reload();
  await b.page.waitForSelector('[data-cy=imagestack-restore-accept]', { timeout: 60_000 });
  await b.page.click('[data-cy=imagestack-restore-accept]');
  await b.page.waitForSelector('[data-cy=imagestack-restore-pick]', { state: 'attached', timeout: 30_000 });
  await b.page.setInputFiles('[data-cy=imagestack-restore-pick]', tiffFiles);
  await b.page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 120_000 });
  assert.deepEqual((await loadedVolume(picks)).values, vol.values);
  const restored = await b.page.evaluate(() => window.services.imageStackService.latest().stack.rescale);
  assert.deepEqual(restored, stack.rescale);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});
