// Shared set-up for the browser tests: our real server on a free loopback port, Debian's
// Chromium with SwiftShader WebGL2, page-error collection and a screenshot per test.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import serverModule from '../../../platform/app/scripts/server.cjs';

const { createViewerServer } = serverModule;

const here = path.dirname(fileURLToPath(import.meta.url));
export const SHOTS = path.resolve(here, '../shots');

export function chromiumPath() {
  return process.env.CHROMIUM || '/usr/bin/chromium';
}

/**
 * Starts the viewer server on a free port. IMAGESTACK_DIST serves a copy of the built viewer
 * instead of platform/app/dist (which another `npm run build` may be rewriting meanwhile).
 */
export async function startViewer({ dicomWebUrl } = {}) {
  const server = createViewerServer({ dicomWebUrl, dist: process.env.IMAGESTACK_DIST || undefined });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, close: () => new Promise(r => server.close(r)) };
}

/** Launches Chromium and opens one page with error collection. */
export async function openBrowser({ width = 1600, height = 900, downloads = false } = {}) {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    ],
  });
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: downloads });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(`[pageerror] ${e.message}`));
  page.on('console', m => {
    if (m.type() === 'error') errors.push(`[console] ${m.text().slice(0, 400)}`);
  });
  page.on('crash', () => errors.push('[crash] renderer crashed'));
  return { browser, context, page, errors };
}

/**
 * Saves a screenshot under tests/e2e/shots (ignored by git) and returns its path. Screenshots
 * are for people to look at, not assertions: with a 3D view rendering on SwiftShader the page
 * can be too busy to capture in time, and that must not fail a test whose checks passed.
 */
export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  try {
    await page.screenshot({ path: file, timeout: 60_000 });
  } catch (e) {
    console.warn(`[e2e] screenshot ${name} not taken: ${e.message.split('\n')[0]}`);
    return null;
  }
  return file;
}

/** Waits until the page's Cornerstone rendering engine has viewports that show our images. */
export async function waitForRenderedViewports(page, { minViewports = 1, timeout = 90_000 } = {}) {
  await page.waitForFunction(
    min => {
      const re = window.cornerstone?.getRenderingEngines?.()[0];
      if (!re) return false;
      const shown = re.getViewports().filter(v => {
        if (v.type === 'stack') return !!v.getCurrentImageId?.();
        // volume viewports: an actor whose image data is loaded (oblique planes have no image id)
        const actor = v.getDefaultActor?.();
        return !!actor && !!v.getImageData?.();
      });
      return shown.length >= min;
    },
    minViewports,
    { timeout, polling: 500 },
  );
}

/**
 * In the page: the voxels of segment 1 of the first segmentation, read per slice through the
 * labelmap's image ids (no volume-sized copy); −1 when there is no segmentation yet. Passed to
 * page.evaluate as a function (the page's CSP refuses strings to eval).
 */
function segmentVoxelsInPage() {
  const seg = window.services.segmentationService.getSegmentations()[0];
  if (!seg) return -1;
  const L = window.cornerstoneTools.segmentation.state.getSegmentation(seg.segmentationId)?.representationData?.Labelmap;
  const ids = L?.imageIds ?? L?.labelmaps?.[L?.primaryLabelmapId]?.imageIds ?? [];
  let n = 0;
  for (const id of ids) {
    const d = window.cornerstone.cache.getImage(id)?.voxelManager.getScalarData() ?? [];
    for (let i = 0; i < d.length; i++) if (d[i] === 1) n++;
  }
  return n;
}

/** Voxels of segment 1 in the page's labelmap (segmentVoxelsInPage). */
export const countSegmentVoxels = page => page.evaluate(segmentVoxelsInPage);

/**
 * Switches the open study to the MPR + 3D layout and waits until the 3D viewport has its volume
 * (an actor and image data). The switch is scheduled, not awaited: building the 3D viewport
 * blocks the page for tens of seconds under SwiftShader.
 */
export async function open3DLayout(page, { timeout = 600_000 } = {}) {
  await page.evaluate(() => setTimeout(() => window.services.hangingProtocolService.setProtocol('mprAnd3DVolumeViewport'), 0));
  await page.waitForFunction(
    () => {
      const v = window.cornerstone.getRenderingEngines()[0].getViewports().find(x => x.type === 'volume3d');
      return !!v && (v.getActors?.() ?? []).length > 0 && !!v.getImageData?.();
    },
    null,
    { timeout, polling: 2000 },
  );
}

/**
 * The set-up most specs share: our server, one Chromium page, the start page's "Load sample",
 * and the sample shown in the MPR layout's viewports. Returns the page with its errors and
 * `close()` (browser, then server) for the spec's `after`. One call per spec: its tests share
 * the opened viewer.
 */
export async function openSample({ width, height, downloads, minViewports = 3, timeout } = {}) {
  const viewer = await startViewer();
  let b;
  try {
    b = await openBrowser({ width, height, downloads });
    await b.page.goto(viewer.url + '/');
    await b.page.click('[data-cy=imagestack-load-sample]');
    await waitForRenderedViewports(b.page, { minViewports, timeout });
  } catch (e) {
    await b?.browser.close();
    await viewer.close();
    throw e;
  }
  return {
    ...b,
    url: viewer.url,
    close: async () => {
      await b.browser.close();
      await viewer.close();
    },
  };
}
