import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

interface ServerOptions {
  dist?: string;
  dicomWebUrl?: string;
  dicomWebToken?: string;
  allowDelete?: boolean;
  maxBodyMb?: number;
}
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { createViewerServer, contentSecurityPolicy } = require('./server.cjs') as {
  createViewerServer: (o: ServerOptions) => http.Server;
  contentSecurityPolicy: (hashes?: string[], o?: { worker?: boolean }) => string;
};

jest.setTimeout(30_000);

const INLINE = 'window.PUBLIC_URL="/"';
let root: string;
let dist: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-dist-'));
  dist = path.join(root, 'dist');
  fs.mkdirSync(dist);
  fs.writeFileSync(path.join(dist, 'index.html'), `<html><script>${INLINE}</script><script src="/a.js"></script>viewer</html>`);
  fs.mkdirSync(path.join(dist, 'plugins'));
  fs.writeFileSync(path.join(dist, 'plugins', 'a.js'), 'export {}');
  // what must never be served: a file beside dist, one in a sibling whose name starts the same,
  // and symlinks inside dist pointing out of it
  fs.writeFileSync(path.join(root, 'secret.txt'), 'SECRET');
  fs.mkdirSync(path.join(root, 'dist-other'));
  fs.writeFileSync(path.join(root, 'dist-other', 'x.txt'), 'SECRET');
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(dist, 'link.txt'));
  fs.symlinkSync(root, path.join(dist, 'up'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request with its target sent byte for byte (fetch and URL would normalise `..`, `//`
 * and backslashes away before the server saw them).
 */
function raw(base: string, method: string, target: string, options: { body?: Buffer | string; headers?: Record<string, string | number> } = {}): Promise<RawResponse> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers: options.headers }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A request whose first line is written by hand (an absolute-form target). */
function rawLine(base: string, line: string): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(`${line}\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', d => (text += d));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  complete: boolean;
}

/** A fake DICOMweb server (and, on the same port, anything else) that records what reached it. */
async function fakeUpstream() {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const entry: Seen = { method: req.method!, url: req.url!, headers: req.headers, bytes: 0, complete: false };
    seen.push(entry);
    req.on('data', c => (entry.bytes += c.length));
    req.on('end', () => {
      entry.complete = true;
      res.writeHead(200, { 'Content-Type': 'application/dicom+json', 'Set-Cookie': 'pacs=1' }).end('[]');
    });
  });
  const base = await listen(server);
  return { seen, base, close: () => new Promise(r => server.close(r)) };
}

test('serves files, answers SPA routes with index.html and missing assets with 404, cross-origin isolated', async () => {
  const server = createViewerServer({ dist });
  const base = await listen(server);
  try {
    const js = await fetch(`${base}/plugins/a.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript');
    expect(js.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const route = await fetch(`${base}/imagestack?StudyInstanceUIDs=1.2`);
    expect(await route.text()).toMatch(/viewer/);
    expect((await fetch(`${base}/missing.js`)).status).toBe(404);
    const noPacs = await fetch(`${base}/dicom-web/studies`);
    expect(noPacs.status).toBe(503);
    expect(await noPacs.text()).toMatch(/IMAGESTACK_DICOMWEB_URL/);
    const head = await raw(base, 'HEAD', '/plugins/a.js');
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '9']);
  } finally {
    server.close();
  }
});

test('every page carries a Content-Security-Policy limiting it to its own origin, with its inline scripts hashed', async () => {
  const server = createViewerServer({ dist });
  const base = await listen(server);
  try {
    for (const target of ['/', '/index.html', '/imagestack?x=1']) {
      const r = await raw(base, 'GET', target);
      const csp = String(r.headers['content-security-policy']);
      const directives = Object.fromEntries(csp.split(/;\s*/).map(d => [d.split(' ')[0], d.split(' ').slice(1)]));
      expect(directives['default-src']).toEqual(["'self'"]);
      expect(directives['connect-src']).toEqual(["'self'", 'blob:', 'data:']);
      expect(directives['object-src']).toEqual(["'none'"]);
      const hash = `'sha256-${crypto.createHash('sha256').update(INLINE).digest('base64')}'`;
      expect(directives['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'", hash]);
      expect(csp).not.toMatch(/\*|https?:|'unsafe-eval'/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    // workers and error pages carry it too
    // a script run as a worker: the same, plus 'unsafe-eval' (polySeg's embind glue in a worker)
    expect((await raw(base, 'GET', '/plugins/a.js')).headers['content-security-policy']).toBe(contentSecurityPolicy([], { worker: true }));
    expect(contentSecurityPolicy([], { worker: true })).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; .*connect-src 'self' blob: data:;/);
    expect((await raw(base, 'GET', '/missing.js')).headers['content-security-policy']).toBeDefined();
  } finally {
    server.close();
  }
});

test.each([
  ['/..%2f..%2fsecret.txt', 400],
  ['/../secret.txt', 400],
  ['/plugins/../../secret.txt', 400],
  ['/%2e%2e/secret.txt', 400],
  ['/%252e%252e/secret.txt', 400],
  ['/plugins%2fa.js', 400],
  ['/..\\secret.txt', 400],
  ['/plugins%5c..%5c..%5csecret.txt', 400],
  ['/a.js%00.html', 400],
  ['//etc/passwd', 400],
  ['/link.txt', 404], // a symlink out of dist
  ['/up/secret.txt', 404], // a directory symlink out of dist
  ['/../dist-other/x.txt', 400],
  ['/%ZZ', 400],
])('static path %s is refused (%i), never served from outside dist', async (target, status) => {
  const server = createViewerServer({ dist });
  const base = await listen(server);
  try {
    const r = await raw(base, 'GET', target);
    expect(r.status).toBe(status);
    expect(r.body).not.toMatch(/SECRET/);
    expect(r.body.trim().split('\n')).toHaveLength(1);
  } finally {
    server.close();
  }
});

test('an absolute-form request target (another host named in the request line) is refused', async () => {
  const up = await fakeUpstream();
  const server = createViewerServer({ dist, dicomWebUrl: `${up.base}/dicom-web` });
  const base = await listen(server);
  try {
    for (const target of [`${up.base}/steal`, `${up.base}/dicom-web/studies`]) {
      const text = await rawLine(base, `GET ${target} HTTP/1.1`);
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(up.seen).toEqual([]);
  } finally {
    server.close();
    await up.close();
  }
});

test.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('static files refuse %s with 405 and Allow: GET, HEAD', async method => {
  const server = createViewerServer({ dist });
  const base = await listen(server);
  try {
    const r = await raw(base, method, '/index.html', { body: 'x' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD');
  } finally {
    server.close();
  }
});

describe('the /dicom-web proxy', () => {
  let up: Awaited<ReturnType<typeof fakeUpstream>>;
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    up = await fakeUpstream();
    server = createViewerServer({ dist, dicomWebUrl: `${up.base}/pacs/dicom-web/`, dicomWebToken: 's3cret', maxBodyMb: 1 });
    base = await listen(server);
  });
  afterAll(async () => {
    server.close();
    await up.close();
  });
  beforeEach(() => {
    up.seen.length = 0;
  });

  test('passes the path below /dicom-web, its query and body to the base path of the configured server', async () => {
    const r = await fetch(`${base}/dicom-web/studies?PatientID=X`, { method: 'POST', body: 'payload', headers: { Cookie: 'session=viewer', Origin: base } });
    expect(r.status).toBe(200);
    expect(r.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(r.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(r.headers.get('set-cookie')).toBeNull();
    expect(up.seen).toHaveLength(1);
    const [s] = up.seen;
    expect({ url: s.url, method: s.method, bytes: s.bytes, authorization: s.headers.authorization, forwarded: s.headers.forwarded }).toEqual({
      url: '/pacs/dicom-web/studies?PatientID=X',
      method: 'POST',
      bytes: 7,
      authorization: 'Bearer s3cret',
      forwarded: `host=${new URL(base).host};proto=http`,
    });
    // the viewer's own cookies and origin stay here
    expect(s.headers.cookie).toBeUndefined();
    expect(s.headers.origin).toBeUndefined();
    expect(s.headers.host).toBe(new URL(up.base).host);
  });

  test('DICOMweb paths with UIDs, frames and bulk data pass unchanged', async () => {
    const paths = [
      '/studies/1.2.840.1/series/1.2.3.4/instances/1.2.3.4.5/frames/1,2',
      '/studies/1.2/series/1.3/instances/1.4/bulk/7fe00010',
      '/series?SeriesInstanceUID=1.2.3&includefield=00201209',
      '/studies/1.2/series/1.3/instances/1.4/rendered?viewport=64%2C64', // an encoded comma in the query is just data
    ];
    for (const p of paths) {
      const r = await raw(base, 'GET', `/dicom-web${p}`);
      expect(r.status).toBe(200);
    }
    expect(up.seen.map(s => s.url)).toEqual(paths.map(p => `/pacs/dicom-web${p}`));
  });

  test.each([
    '/dicom-web',
    '/dicom-web/',
    '/dicom-web//tools/reset',
    '/dicom-web/studies//series',
    '/dicom-web/studies/',
    '/dicom-web/../tools/reset',
    '/dicom-web/studies/../../tools/reset',
    '/dicom-web/./studies',
    '/dicom-web/%2e%2e/tools/reset',
    '/dicom-web/%2E%2E/%2E%2E/tools/reset',
    '/dicom-web/.%2e/tools/reset',
    '/dicom-web/%252e%252e/tools/reset',
    '/dicom-web/%25252e%25252e/tools/reset',
    '/dicom-web/..%2ftools/reset',
    '/dicom-web/..%2Ftools%2Freset',
    '/dicom-web/..%252ftools/reset',
    '/dicom-web/..%5ctools/reset',
    '/dicom-web/..\\tools\\reset',
    '/dicom-web\\..\\tools/reset',
    '/dicom-web/studies%00',
    '/dicom-web/http:/evil/x',
    '/dicom-web/http://evil.example/x',
    '/dicom-web/http%3a%2f%2fevil/x',
    '/dicom-web/studies/%ZZ',
  ])('%s is refused with one line, and nothing reaches the upstream', async target => {
    const r = await raw(base, 'GET', target);
    expect(r.status).toBe(400);
    expect(r.body.trim().split('\n')).toHaveLength(1);
    expect(up.seen).toEqual([]);
  });

  test('`/dicom-web///127.0.0.1:<port>/steal` sends nothing (and no token) to the host named in the path', async () => {
    const thief = await fakeUpstream();
    try {
      const hostPort = new URL(thief.base).host;
      for (const target of [`/dicom-web///${hostPort}/steal`, `/dicom-web//${hostPort}/steal`, `/dicom-web/${hostPort}/steal`, `/dicom-web/%2f%2f${hostPort}/steal`]) {
        const r = await raw(base, 'GET', target);
        expect(r.status).toBe(400);
      }
      expect(thief.seen).toEqual([]);
      expect(up.seen).toEqual([]);
    } finally {
      await thief.close();
    }
  });

  test('a dot inside a segment (a UID) is fine; the origin is the configured one whatever the path says', async () => {
    const r = await raw(base, 'GET', '/dicom-web/studies/1.2.3..4');
    expect(r.status).toBe(200);
    expect(up.seen.map(s => s.url)).toEqual(['/pacs/dicom-web/studies/1.2.3..4']);
  });

  test.each(['PUT', 'PATCH', 'OPTIONS', 'TRACE', 'DELETE'])('%s is refused with 405 and an Allow header', async method => {
    const r = await raw(base, method, '/dicom-web/studies/1.2', { body: method === 'TRACE' ? undefined : '' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD, POST');
    if (method === 'DELETE') expect(r.body).toMatch(/IMAGESTACK_DICOMWEB_ALLOW_DELETE=1/);
    expect(up.seen).toEqual([]);
  });

  test('CONNECT (a tunnel to the host it names) is closed without reaching anyone', async () => {
    const text = await rawLine(base, `CONNECT ${new URL(up.base).host} HTTP/1.1`).catch(e => String(e));
    expect(text).not.toMatch(/^HTTP\/1\.1 200/);
    expect(up.seen).toEqual([]);
  });

  test('HEAD passes', async () => {
    const r = await raw(base, 'HEAD', '/dicom-web/studies');
    expect(r.status).toBe(200);
    expect(up.seen.map(s => s.method)).toEqual(['HEAD']);
  });

  test('a body over the limit announced by Content-Length is refused with 413 before anything is sent', async () => {
    const r = await raw(base, 'POST', '/dicom-web/studies', { headers: { 'Content-Length': 2 * 1024 * 1024 }, body: Buffer.alloc(2 * 1024 * 1024) }).catch(e => e);
    // the server may close the connection while the body is still being written
    if (!(r instanceof Error)) {
      expect(r.status).toBe(413);
      expect(r.body).toMatch(/IMAGESTACK_DICOMWEB_MAX_BODY_MB/);
    }
    expect(up.seen).toEqual([]);
  });

  test('a chunked body that grows over the limit is cut at the limit: 413, and the upstream never gets a whole request', async () => {
    const { port } = new URL(base);
    const result = await new Promise<{ status?: number; body: string; wrote: number }>(resolve => {
      let wrote = 0;
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/dicom-web/studies', headers: { 'Transfer-Encoding': 'chunked' } }, res => {
        let body = '';
        res.on('data', d => (body += d));
        res.on('end', () => resolve({ status: res.statusCode, body, wrote }));
      });
      req.on('error', () => resolve({ body: '', wrote }));
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        // up to 4 MiB, declared nowhere
        while (wrote < 4 * 1024 * 1024) {
          wrote += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    if (result.status !== undefined) {
      expect(result.status).toBe(413);
      expect(result.body).toMatch(/1 MiB limit/);
    }
    // the upstream may have seen the start of it, never the end
    await new Promise(r => setTimeout(r, 100));
    expect(up.seen.every(s => !s.complete && s.bytes <= 1024 * 1024)).toBe(true);
  });

  test('a body at the limit passes whole', async () => {
    const r = await raw(base, 'POST', '/dicom-web/studies', { body: Buffer.alloc(1024 * 1024, 2) });
    expect(r.status).toBe(200);
    expect(up.seen.map(s => [s.bytes, s.complete])).toEqual([[1024 * 1024, true]]);
  });
});

test('DELETE passes only when the deployment allows it', async () => {
  const up = await fakeUpstream();
  const server = createViewerServer({ dist, dicomWebUrl: `${up.base}/dicom-web`, allowDelete: true });
  const base = await listen(server);
  try {
    const r = await raw(base, 'DELETE', '/dicom-web/studies/1.2');
    expect(r.status).toBe(200);
    expect(up.seen.map(s => [s.method, s.url])).toEqual([['DELETE', '/dicom-web/studies/1.2']]);
    expect((await raw(base, 'PUT', '/dicom-web/studies/1.2')).headers.allow).toBe('GET, HEAD, POST, DELETE');
  } finally {
    server.close();
    await up.close();
  }
});

test('an upstream that does not answer is a 502 naming it, without the token', async () => {
  const dead = await fakeUpstream();
  await dead.close();
  const server = createViewerServer({ dist, dicomWebUrl: `${dead.base}/dicom-web`, dicomWebToken: 's3cret' });
  const base = await listen(server);
  try {
    const r = await raw(base, 'GET', '/dicom-web/studies');
    expect(r.status).toBe(502);
    expect(r.body).toMatch(/ECONNREFUSED/);
    expect(r.body).not.toMatch(/s3cret/);
  } finally {
    server.close();
  }
});

test('a DICOMweb URL with credentials or a query is refused at start-up', () => {
  expect(() => createViewerServer({ dist, dicomWebUrl: 'http://u:p@127.0.0.1:1/dicom-web' })).toThrow(/IMAGESTACK_DICOMWEB_TOKEN/);
  expect(() => createViewerServer({ dist, dicomWebUrl: 'http://127.0.0.1:1/dicom-web?x=1' })).toThrow(/query/);
  expect(() => createViewerServer({ dist, dicomWebUrl: 'file:///etc' })).toThrow(/http or https/);
});

/** Runs serve.mjs with the given environment until it prints its address. */
function runServe(env: Record<string, string>): Promise<{ out: string; stop: () => void }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'serve.mjs')], { env: { PATH: process.env.PATH!, IMAGESTACK_DIST: dist, PORT: '0', ...env } });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      if (/viewer on http/.test(out)) resolve({ out, stop: () => child.kill() });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', code => reject(new Error(`serve.mjs exited (${code}): ${out}`)));
  });
}

test('serve.mjs listens on 127.0.0.1 unless HOST says otherwise', async () => {
  const local = await runServe({});
  try {
    expect(local.out).toMatch(/viewer on http:\/\/127\.0\.0\.1:\d+\//);
  } finally {
    local.stop();
  }
  const all = await runServe({ HOST: '0.0.0.0' });
  try {
    expect(all.out).toMatch(/viewer on http:\/\/0\.0\.0\.0:\d+\//);
    expect(all.out).toMatch(/reachable from the network/);
  } finally {
    all.stop();
  }
});

test('serve.mjs refuses a bad body limit or DELETE switch with one line', async () => {
  await expect(runServe({ IMAGESTACK_DICOMWEB_MAX_BODY_MB: 'lots' })).rejects.toThrow(/IMAGESTACK_DICOMWEB_MAX_BODY_MB must be a positive number/);
  await expect(runServe({ IMAGESTACK_DICOMWEB_ALLOW_DELETE: 'yes' })).rejects.toThrow(/IMAGESTACK_DICOMWEB_ALLOW_DELETE must be 1 or 0/);
});
