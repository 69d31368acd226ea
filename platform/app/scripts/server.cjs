// The HTTP server behind serve.mjs, as a function so tests can start it on a free port.
// CommonJS so that jest and the ES-module scripts can both load it.
//
// What it promises (DESIGN.md "Serving and privacy"):
// - static files only from inside dist (no `..`, encoded separators, NUL bytes or symlinks
//   that lead out of it), GET and HEAD only;
// - every page carries a Content-Security-Policy that lets it talk to its own origin only;
// - /dicom-web/* goes to the configured DICOMweb base and nowhere else: the upstream path is
//   the base path plus the request's remaining path, which is refused (400) when it could mean
//   anything else; the upstream origin is fixed at start-up and never derived from a request.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');

const defaultDist = path.resolve(__dirname, '../dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.map': 'application/json',
  '.txt': 'text/plain', '.xml': 'application/xml', '.gif': 'image/gif', '.jpg': 'image/jpeg',
};
const ISOLATION = {
  // SharedArrayBuffer (Cornerstone's volumes and workers) needs a cross-origin isolated page
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The page's Content-Security-Policy: nothing but our own origin, plus what the prebuilt OHIF
 * 3.13 viewer and Cornerstone need (found by loading the viewer in Chromium and reading the
 * violation reports, tests/e2e/privacy.spec.mjs):
 * - script-src: our files, the hashes of index.html's inline scripts (the import map, the host
 *   bridge, OHIF's two one-liners; computed from the file served), 'wasm-unsafe-eval' for
 *   Cornerstone's and polySeg's WebAssembly;
 * - worker-src blob: (Cornerstone and vtk.js start some workers from blob: URLs);
 * - style-src 'unsafe-inline': OHIF's bundle injects <style> elements (measured: three
 *   style-src-elem refusals from app.bundle without it, and a broken layout); styles cannot
 *   send requests once img/font/connect are 'self';
 * - img-src data: blob: (OHIF inlines icons as data: PNGs, measured; previews are blobs);
 * - connect-src 'self' (the data itself: fetch, XHR, WebSocket only to us; blob: and data:
 *   are local reads of what the tab already holds).
 * Scripts we serve carry the policy too, which governs them when they run as workers; there
 * `worker: true` adds 'unsafe-eval': polySeg's Emscripten embind glue (Cornerstone's labelmap →
 * surface conversion for the 3D view, in a worker) builds functions with `new Function`
 * (measured: a refusal in tests/e2e/segment-export.spec.mjs's 3D preview without it). A worker
 * still reaches nothing but our origin; the page itself never gets 'unsafe-eval'.
 */
function contentSecurityPolicy(scriptHashes = [], { worker = false } = {}) {
  const hashes = scriptHashes.map(h => ` '${h}'`).join('');
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${worker ? " 'unsafe-eval'" : ''}${hashes}`,
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' blob: data:",
    "connect-src 'self' blob: data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'self'",
  ].join('; ');
}

/** sha256 hashes of a page's inline <script> elements, as CSP source expressions. */
function inlineScriptHashes(html) {
  const hashes = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(m[1]) || m[2].length === 0) continue;
    hashes.push(`sha256-${crypto.createHash('sha256').update(m[2], 'utf8').digest('base64')}`);
  }
  return hashes;
}

/** A proxied answer is data for the page, never a page: if opened directly it runs nothing. */
const PROXIED_CSP = "default-src 'none'; sandbox";

/** DICOMweb's methods; DELETE only when the deployment turns it on. */
const PROXY_METHODS = ['GET', 'HEAD', 'POST'];
const STATIC_METHODS = ['GET', 'HEAD'];
/** Default request body limit for /dicom-web (a STOW-RS batch), MiB. */
const DEFAULT_MAX_BODY_MB = 2048;
// hop-by-hop headers (RFC 9110 7.6.1) and what must not leave our origin
const DROP_REQUEST_HEADERS = ['host', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade', 'transfer-encoding', 'origin', 'referer', 'cookie', 'forwarded'];
const DROP_RESPONSE_HEADERS = ['connection', 'keep-alive', 'proxy-authenticate', 'trailer', 'upgrade', 'set-cookie', 'content-security-policy'];

class Refusal extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

function refuse(res, status, message, headers = {}) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': PROXIED_CSP, ...ISOLATION, ...headers });
  res.end(`${message}\n`);
}

/**
 * The request target split into raw (still percent-encoded) path and query. Only origin-form
 * targets ("/path?query") are served: an absolute-form target names another host.
 */
function splitTarget(target) {
  if (typeof target !== 'string' || !target.startsWith('/')) throw new Refusal(400, 'bad request target: only a path is accepted');
  if (target.includes('#')) throw new Refusal(400, 'bad request target: a fragment is not sent to a server');
  const q = target.indexOf('?');
  return q < 0 ? { rawPath: target, rawQuery: '' } : { rawPath: target.slice(0, q), rawQuery: target.slice(q) };
}

// Percent-encodings of what could change which resource a path names: / . \ NUL and ":".
const ENCODED_SPECIAL = /%(2f|2e|5c|00|3a)/i;

/**
 * Checks the path below /dicom-web segment by segment and returns it as it is to be appended
 * to the upstream base path. Refuses empty, `.` and `..` segments, encoded slashes, dots,
 * backslashes, NUL or colons (also when encoded twice or more), raw backslashes, and a
 * scheme or host (a colon; a `//` is an empty segment).
 */
function confinedDicomWebPath(rest) {
  if (rest === '' || rest === '/') throw new Refusal(400, 'refused /dicom-web path: name a DICOMweb resource below /dicom-web/');
  const segments = rest.slice(1).split('/');
  for (const raw of segments) {
    if (raw === '') throw new Refusal(400, 'refused /dicom-web path: empty segment (//)');
    let s = raw;
    for (let depth = 0; ; depth++) {
      if (ENCODED_SPECIAL.test(s)) throw new Refusal(400, 'refused /dicom-web path: encoded slash, dot, backslash, colon or NUL');
      if (/[\\\0]/.test(s)) throw new Refusal(400, 'refused /dicom-web path: backslash or NUL');
      if (s.includes(':')) throw new Refusal(400, 'refused /dicom-web path: a scheme or host');
      if (s === '.' || s === '..') throw new Refusal(400, 'refused /dicom-web path: . or .. segment');
      if (/%(?![0-9a-f]{2})/i.test(s)) throw new Refusal(400, 'refused /dicom-web path: bad percent-encoding');
      if (!s.includes('%')) break;
      if (depth >= 4) throw new Refusal(400, 'refused /dicom-web path: encoded too many times');
      try {
        s = decodeURIComponent(s);
      } catch {
        throw new Refusal(400, 'refused /dicom-web path: bad percent-encoding');
      }
      if (s.includes('/')) throw new Refusal(400, 'refused /dicom-web path: encoded slash');
    }
  }
  return rest;
}

/** The file under dist that a static path names, or a Refusal; never a file outside dist. */
function staticFile(rawPath, distReal) {
  // Encoded slashes, backslashes, NUL or a second level of encoding are never needed for our
  // files (an encoded dot decodes to a segment checked below).
  if (/%(2f|5c|00|25)/i.test(rawPath)) throw new Refusal(400, 'bad path: encoded separator, NUL or double encoding');
  let decoded;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw new Refusal(400, 'bad path: bad percent-encoding');
  }
  if (/[\\\0]/.test(decoded)) throw new Refusal(400, 'bad path: backslash or NUL');
  const segments = decoded.slice(1).split('/');
  segments.forEach((s, i) => {
    if (s === '.' || s === '..') throw new Refusal(400, 'bad path: . or .. segment');
    if (s === '' && i < segments.length - 1) throw new Refusal(400, 'bad path: empty segment (//)');
  });
  const candidate = path.join(distReal, ...segments);
  let real;
  try {
    real = fs.realpathSync(candidate);
  } catch {
    return { file: null, decoded };
  }
  // a symlink inside dist that points out of it is not ours to serve
  if (real !== distReal && !real.startsWith(distReal + path.sep)) return { file: null, decoded };
  const stat = fs.statSync(real);
  return { file: stat.isFile() ? real : null, decoded };
}

/**
 * @param {{ dist?: string, dicomWebUrl?: string, dicomWebToken?: string, allowDelete?: boolean, maxBodyMb?: number }} options
 * dicomWebUrl: base URL of the DICOMweb service that /dicom-web/* is forwarded to.
 * dicomWebToken: a bearer token the server adds to those requests (the browser never sees it;
 *   it goes only to dicomWebUrl's origin).
 * allowDelete: let DELETE through to the DICOMweb server (off by default).
 * maxBodyMb: the largest request body /dicom-web accepts, MiB (default 2048), counted as it
 *   streams (Content-Length is checked first but not trusted).
 */
function createViewerServer({ dist = defaultDist, dicomWebUrl, dicomWebToken, allowDelete = false, maxBodyMb = DEFAULT_MAX_BODY_MB } = {}) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`no built viewer in ${dist}: run \`npm run build\` first`);
  }
  if (!(maxBodyMb > 0)) throw new Error(`the /dicom-web body limit must be a positive number of MiB, got ${maxBodyMb}`);
  const upstream = dicomWebUrl ? parseUpstream(dicomWebUrl) : null;
  const proxyOptions = { upstream, token: dicomWebToken, methods: allowDelete ? [...PROXY_METHODS, 'DELETE'] : PROXY_METHODS, maxBodyBytes: Math.floor(maxBodyMb * 1024 * 1024), maxBodyMb };
  return http.createServer((req, res) => {
    try {
      const { rawPath, rawQuery } = splitTarget(req.url);
      if (rawPath === '/dicom-web' || rawPath.startsWith('/dicom-web/')) {
        proxy(req, res, rawPath.slice('/dicom-web'.length), rawQuery, proxyOptions);
      } else {
        serveStatic(req, res, rawPath, dist);
      }
    } catch (e) {
      // a bug or a race (a file removed while served) answers 500 and leaves the server up
      if (e instanceof Refusal) refuse(res, e.status, e.message, e.headers);
      else refuse(res, 500, `internal error: ${e.code ?? e.message}`);
    }
  });
}

function parseUpstream(dicomWebUrl) {
  let url;
  try {
    url = new URL(dicomWebUrl);
  } catch {
    throw new Error(`IMAGESTACK_DICOMWEB_URL "${dicomWebUrl}" is not a URL (e.g. http://127.0.0.1:8042/dicom-web)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`IMAGESTACK_DICOMWEB_URL must be http or https, got ${url.protocol}`);
  if (url.username || url.password) throw new Error('IMAGESTACK_DICOMWEB_URL must not hold a user name or password: use IMAGESTACK_DICOMWEB_TOKEN');
  if (url.search || url.hash) throw new Error('IMAGESTACK_DICOMWEB_URL must not have a query or fragment');
  return {
    origin: url.origin,
    client: url.protocol === 'https:' ? https : http,
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    host: url.host,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    basePath: url.pathname.replace(/\/+$/, ''),
  };
}

function serveStatic(req, res, rawPath, dist) {
  if (!STATIC_METHODS.includes(req.method)) throw new Refusal(405, `method ${req.method} not allowed`, { Allow: STATIC_METHODS.join(', ') });
  const distReal = fs.realpathSync(dist);
  let { file, decoded } = staticFile(rawPath, distReal);
  // an SPA route (no extension) gets index.html; a missing asset is a real 404
  if (!file && !path.extname(decoded)) file = path.join(distReal, 'index.html');
  if (!file) throw new Refusal(404, 'not found');
  const isHtml = file.endsWith('.html');
  const headers = {
    'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
    'Cache-Control': isHtml || file.endsWith('app-config.js') ? 'no-cache' : 'public, max-age=3600',
    ...ISOLATION,
  };
  if (isHtml) {
    const html = fs.readFileSync(file);
    headers['Content-Security-Policy'] = contentSecurityPolicy(inlineScriptHashes(html.toString('utf8')));
    headers['Content-Length'] = html.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : html);
    return;
  }
  // a script run as a worker is governed by the policy it is served with
  headers['Content-Security-Policy'] = contentSecurityPolicy([], { worker: /\.m?js$/.test(file) });
  headers['Content-Length'] = fs.statSync(file).size;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(file).pipe(res);
}

function proxy(req, res, rest, rawQuery, { upstream, token, methods, maxBodyBytes, maxBodyMb }) {
  if (!methods.includes(req.method)) {
    const hint = req.method === 'DELETE' ? ' (this deployment does not let DELETE through: IMAGESTACK_DICOMWEB_ALLOW_DELETE=1)' : '';
    throw new Refusal(405, `method ${req.method} not allowed on /dicom-web${hint}`, { Allow: methods.join(', ') });
  }
  const below = confinedDicomWebPath(rest);
  if (!upstream) throw new Refusal(503, 'no DICOMweb server configured: set IMAGESTACK_DICOMWEB_URL');
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBodyBytes) {
    throw new Refusal(413, `request body over the ${maxBodyMb} MiB limit (IMAGESTACK_DICOMWEB_MAX_BODY_MB)`, { Connection: 'close' });
  }

  const headers = { ...req.headers };
  for (const h of DROP_REQUEST_HEADERS) delete headers[h];
  headers.host = upstream.host;
  // Tell the PACS where the browser found it, so the URLs it writes into its answers (bulk
  // data, retrieve URLs) point back through this proxy (RFC 7239; Orthanc honours it).
  const proto = req.socket.encrypted ? 'https' : 'http';
  if (req.headers.host && /^[A-Za-z0-9.:[\]-]+$/.test(req.headers.host)) headers.forwarded = `host=${req.headers.host};proto=${proto}`;
  if (token) headers.authorization = `Bearer ${token}`;

  // The only place a request reaches another server: its origin is the configured one, its
  // path the configured base path plus the checked remainder.
  let up;
  try {
    up = upstream.client.request({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      path: upstream.basePath + below + rawQuery,
      method: req.method,
      headers,
    });
  } catch (e) {
    // e.g. characters in the query that may not be sent on (ERR_UNESCAPED_CHARACTERS)
    throw new Refusal(400, `refused /dicom-web request: ${e.code ?? e.message}`);
  }
  up.on('response', upRes => {
    const outHeaders = { ...upRes.headers };
    for (const h of DROP_RESPONSE_HEADERS) delete outHeaders[h];
    res.writeHead(upRes.statusCode ?? 502, { ...outHeaders, 'Content-Security-Policy': PROXIED_CSP, ...ISOLATION });
    upRes.pipe(res);
  });
  let over = false;
  up.on('error', e => {
    if (over) return; // we cut it ourselves, and answered 413
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (!res.writableEnded) refuse(res, 502, `DICOMweb server ${upstream.origin} did not answer: ${e.message}`);
  });

  let received = 0;
  req.on('data', chunk => {
    if (over) return;
    received += chunk.length;
    if (received > maxBodyBytes) {
      over = true;
      req.unpipe(up);
      up.destroy(); // the upstream never sees a complete request
      refuse(res, 413, `request body over the ${maxBodyMb} MiB limit (IMAGESTACK_DICOMWEB_MAX_BODY_MB)`, { Connection: 'close' });
      res.on('finish', () => req.destroy());
    }
  });
  // the browser went away: so does the upstream request
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
}

module.exports = { createViewerServer, contentSecurityPolicy, inlineScriptHashes, DEFAULT_MAX_BODY_MB };
