// The HTTP server behind serve.mjs, as a function so tests can start it on a free port.
// CommonJS so that jest and the ES-module scripts can both load it.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const defaultDist = path.resolve(__dirname, '../dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.map': 'application/json', '.txt': 'text/plain',
};
const ISOLATION = {
  // SharedArrayBuffer (Cornerstone's volumes and workers) needs a cross-origin isolated page
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * @param {{ dist?: string, dicomWebUrl?: string, dicomWebToken?: string }} options
 * dicomWebUrl: base URL of the DICOMweb service that /dicom-web/* is forwarded to.
 * dicomWebToken: a bearer token the server adds to those requests (the browser never sees it).
 */
function createViewerServer({ dist = defaultDist, dicomWebUrl, dicomWebToken } = {}) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`no built viewer in ${dist}: run \`npm run build\` first`);
  }
  const upstream = dicomWebUrl ? new URL(dicomWebUrl.replace(/\/+$/, '') + '/') : null;
  return http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/dicom-web' || url.pathname.startsWith('/dicom-web/')) {
      proxy(req, res, url, upstream, dicomWebToken);
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    let file = path.join(dist, path.normalize(pathname).replace(/^([/\\])+/, ''));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      // an SPA route (no extension) gets index.html; a missing asset is a real 404
      file = path.extname(pathname) ? null : path.join(dist, 'index.html');
    }
    if (!file) {
      res.writeHead(404, ISOLATION).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
      'Cache-Control': file.endsWith('.html') || file.endsWith('app-config.js') ? 'no-cache' : 'public, max-age=3600',
      ...ISOLATION,
    });
    fs.createReadStream(file).pipe(res);
  });
}

function proxy(req, res, url, upstream, token) {
  if (!upstream) {
    res.writeHead(503, { 'Content-Type': 'text/plain', ...ISOLATION }).end('no DICOMweb server configured: set IMAGESTACK_DICOMWEB_URL');
    return;
  }
  const rest = url.pathname.replace(/^\/dicom-web\/?/, '');
  const target = new URL(rest + url.search, upstream);
  const headers = { ...req.headers, host: target.host };
  delete headers.origin;
  delete headers.referer;
  // Tell the PACS where the browser found it, so the URLs it writes into its answers (bulk
  // data, retrieve URLs) point back through this proxy (RFC 7239; Orthanc honours it).
  headers.forwarded = `host=${req.headers.host};proto=http`;
  if (token) headers.authorization = `Bearer ${token}`;
  const up = http.request(target, { method: req.method, headers }, upRes => {
    res.writeHead(upRes.statusCode ?? 502, { ...upRes.headers, ...ISOLATION });
    upRes.pipe(res);
  });
  up.on('error', e => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain', ...ISOLATION });
    res.end(`DICOMweb server ${upstream.origin} did not answer: ${e.message}`);
  });
  req.pipe(up);
}

module.exports = { createViewerServer };
