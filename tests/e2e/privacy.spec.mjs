// Nothing leaves the tab: the whole workflow (load the sample, threshold, export an STL) with
// every request the page, its workers and its service worker attempt recorded, and every
// Content-Security-Policy violation caught; all must be our own origin (or a local blob:/data:
// read) and the policy our server sends must not have had to refuse anything. And names the
// user gives us (file names) are shown as text, never run as HTML.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { greyToBmp24 } from '../fixtures/bmp24.mjs';
import { openBrowser, shot, startViewer, waitForRenderedViewports } from './lib/browser.mjs';

let viewer;
let b;
const requests = [];
const violations = [];

/** In the page (and every frame) before any of its scripts: collect CSP violation events. */
function recordViolations() {
  window.__cspViolations = [];
  const record = e =>
    window.__cspViolations.push({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample });
  document.addEventListener('securitypolicyviolation', record, true);
  window.addEventListener('securitypolicyviolation', record, true);
}

async function pageViolations(page) {
  return page.evaluate(() => window.__cspViolations ?? []).catch(() => []);
}

/** Every violation seen so far, from the console, workers and the page's events. */
async function allViolations(page) {
  return [...violations, ...(await pageViolations(page)).map(v => `[event] ${JSON.stringify(v)}`)];
}

/** Runs a user flow; when it fails, the error also lists the policy's refusals (the likely cause). */
async function flow(page, steps) {
  try {
    await steps();
  } catch (e) {
    const seen = await allViolations(page);
    if (seen.length) e.message += `\nCSP violations meanwhile:\n${seen.join('\n')}`;
    throw e;
  }
}

before(async () => {
  viewer = await startViewer();
  b = await openBrowser({ downloads: true });
  // the context sees requests from the page, its dedicated workers and its service worker
  b.context.on('request', r => requests.push({ url: r.url(), method: r.method(), type: r.resourceType() }));
  b.context.on('weberror', e => violations.push(`[weberror] ${e.error().message}`));
  // CSP refusals in workers are not events of the document: Chromium logs them to the console
  b.page.on('console', m => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`[console] ${m.text().slice(0, 400)}`);
  });
  b.page.on('worker', w => w.on('console', m => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(`[worker] ${m.text().slice(0, 400)}`)));
  await b.context.addInitScript(recordViolations);
});
after(async () => {
  await b?.browser.close();
  await viewer?.close();
});

/** Requests that went anywhere but our own origin (blob: and data: are reads of the tab's own memory). */
function foreign() {
  const origin = new URL(viewer.url).origin;
  return requests.filter(r => {
    if (r.url.startsWith('blob:') || r.url.startsWith('data:')) return false;
    try {
      return new URL(r.url).origin !== origin;
    } catch {
      return true;
    }
  });
}

test('the server sends the page a policy that keeps it on its own origin', async () => {
  const r = await fetch(viewer.url + '/');
  const csp = r.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /connect-src 'self'( blob:)?( data:)?(;|$)/);
  assert.doesNotMatch(csp, /\*|https?:|'unsafe-eval'/);
});

test('load the sample, threshold, export an STL: every request is to our own origin, and the policy refused nothing', async () => {
  const { page } = b;
  await flow(page, async () => {
  await page.goto(viewer.url + '/');
  await page.click('[data-cy=imagestack-load-sample]', { timeout: 90_000 });
  await waitForRenderedViewports(page, { minViewports: 3 });
  await page.fill('[data-cy=imagestack-threshold-min]', '200');
  await page.fill('[data-cy=imagestack-threshold-max]', '240');
  await page.click('[data-cy=imagestack-threshold-apply]');
  await page.waitForFunction(() => /Segment 1\b[^:]*: [\d,]+ voxels/.test(document.querySelector('[data-cy=imagestack-threshold-result]')?.textContent ?? ''), null, { timeout: 90_000 });
  await page.waitForSelector('[data-cy=imagestack-export-stl]:not([disabled])', { timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), page.click('[data-cy=imagestack-export-stl]')]);
  assert.match(download.suggestedFilename(), /\.stl$/);
  await page.waitForSelector('[data-cy=imagestack-mesh-stats]');
  });
  await shot(page, 'privacy-workflow');

  const seen = await allViolations(page);
  assert.deepEqual(seen, [], `CSP violations:\n${seen.join('\n')}`);
  assert.ok(requests.length > 10, `only ${requests.length} requests recorded: is the recorder attached?`);
  assert.deepEqual(foreign(), [], `requests to other origins:\n${foreign().map(r => `${r.method} ${r.url} (${r.type})`).join('\n')}`);
  assert.deepEqual(b.errors.filter(e => e.startsWith('[pageerror]')), []);
});

test('a file named <img src=x onerror=…>.bmp is shown as text and runs nothing', async () => {
  const { page } = b;
  const W = 24;
  const H = 16;
  const slice = k => greyToBmp24(new Uint8Array(W * H).map((_, i) => (i * 5 + k * 40) % 256), W, H);
  const names = ['<img src=x onerror=window.__xss=1>.bmp', '<img src=y onerror=window.__xss=2>.bmp', '<svg onload=window.__xss=3>.bmp'];
  const skipped = '<img src=z onerror=window.__xss=4>.txt';
  await page.goto(viewer.url + '/');
  await page.waitForSelector('[data-cy=imagestack-import]', { timeout: 90_000 });
  await page.setInputFiles('[data-cy=imagestack-file-input]', [
    ...names.map((name, k) => ({ name, mimeType: 'image/bmp', buffer: slice(k) })),
    { name: skipped, mimeType: 'text/plain', buffer: Buffer.from('not an image') },
  ]);
  await page.waitForSelector('[data-cy=imagestack-thumb-last]', { timeout: 60_000 });
  const shownNames = await page.$$eval('[data-name]', els => els.map(e => e.getAttribute('data-name')));
  for (const n of shownNames) assert.ok(names.includes(n), `thumbnail named ${n}`);
  assert.ok(shownNames.length >= 2, `thumbnails: ${shownNames}`);
  // the skipped file's name is listed, as the characters it has
  assert.ok((await page.textContent('[data-cy=imagestack-check-skipped]')).includes(skipped));
  const body = await page.textContent('body');
  assert.ok(names.some(n => body.includes(n)) || shownNames.length === names.length, 'a file name is shown as text');

  // and once loaded as a series, its names are still text
  await page.fill('[data-cy=imagestack-spacing-x]', '1');
  await page.fill('[data-cy=imagestack-spacing-y]', '1');
  await page.fill('[data-cy=imagestack-slice-spacing]', '2');
  await page.click('[data-cy=imagestack-load]');
  await page.waitForURL(/\/imagestack\?StudyInstanceUIDs=2\.25\./, { timeout: 90_000 });
  await waitForRenderedViewports(page, { minViewports: 1 });
  const loadedNames = await page.evaluate(() => window.services.imageStackService.latest().stack.sliceNames);
  assert.deepEqual([...loadedNames].sort(), [...names].sort());
  await shot(page, 'privacy-hostile-names');

  const state = await page.evaluate(() => ({
    xss: window.__xss,
    injected: document.querySelectorAll('img[src="x"], img[src="y"], img[src="z"], svg[onload]').length,
  }));
  assert.deepEqual(state, { xss: undefined, injected: 0 });
  const seen = await allViolations(page);
  assert.deepEqual(seen, [], `CSP violations (an injected element would show here too):\n${seen.join('\n')}`);
  assert.deepEqual(foreign(), []);
});

test('the watchers work: an attempt to reach another origin is refused by the policy and caught', async () => {
  const { page } = b;
  const before = (await allViolations(page)).length;
  await page.evaluate(async () => {
    await fetch('http://127.0.0.2:9/leak').catch(() => {});
    const img = new Image();
    img.src = 'http://127.0.0.2:9/leak.png';
    await new Promise(r => setTimeout(r, 200));
  });
  await page.waitForFunction(() => (window.__cspViolations ?? []).length >= 2, null, { timeout: 10_000 });
  const events = await pageViolations(page);
  const directives = events.map(v => v.directive);
  assert.ok(directives.includes('connect-src') && directives.includes('img-src'), `violations seen: ${JSON.stringify(events)}`);
  assert.ok(events.every(v => v.blocked.startsWith('http://127.0.0.2:9/')), JSON.stringify(events));
  assert.ok((await allViolations(page)).length > before);
});
