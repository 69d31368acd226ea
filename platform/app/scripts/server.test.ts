import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { createViewerServer } = require('./server.cjs') as { createViewerServer: (o: object) => http.Server };
const load = async () => ({ createViewerServer });

let dist: string;
beforeAll(() => {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-dist-'));
  fs.writeFileSync(path.join(dist, 'index.html'), '<html>viewer</html>');
  fs.mkdirSync(path.join(dist, 'plugins'));
  fs.writeFileSync(path.join(dist, 'plugins', 'a.js'), 'export {}');
});
afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as any).port}`;
}

test('serves files, answers SPA routes with index.html and missing assets with 404, cross-origin isolated', async () => {
  const { createViewerServer } = await load();
  const server = createViewerServer({ dist });
  const base = await listen(server);
  try {
    const js = await fetch(`${base}/plugins/a.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript');
    expect(js.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const route = await fetch(`${base}/imagestack?StudyInstanceUIDs=1.2`);
    expect(await route.text()).toBe('<html>viewer</html>');
    expect((await fetch(`${base}/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/..%2f..%2fetc/passwd.txt`)).status).toBe(404);
    const noPacs = await fetch(`${base}/dicom-web/studies`);
    expect(noPacs.status).toBe(503);
    expect(await noPacs.text()).toMatch(/IMAGESTACK_DICOMWEB_URL/);
  } finally {
    server.close();
  }
});

test('passes /dicom-web/* with its query and body to the configured server', async () => {
  const seen: { url?: string; method?: string; body?: string; authorization?: string; forwarded?: string } = {};
  const upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      Object.assign(seen, { url: req.url, method: req.method, body, authorization: req.headers.authorization, forwarded: req.headers.forwarded });
      res.writeHead(200, { 'Content-Type': 'application/dicom+json' }).end('[]');
    });
  });
  const upstreamBase = await listen(upstream);
  const { createViewerServer } = await load();
  const server = createViewerServer({ dist, dicomWebUrl: `${upstreamBase}/dicom-web`, dicomWebToken: 's3cret' });
  const base = await listen(server);
  try {
    const r = await fetch(`${base}/dicom-web/studies?PatientID=X`, { method: 'POST', body: 'payload' });
    expect(r.status).toBe(200);
    expect(r.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(seen).toEqual({
      url: '/dicom-web/studies?PatientID=X',
      method: 'POST',
      body: 'payload',
      authorization: 'Bearer s3cret',
      forwarded: `host=${new URL(base).host};proto=http`,
    });
  } finally {
    server.close();
    upstream.close();
  }
});
