// The viewer's server: platform/app/dist as static files with an SPA fallback (OHIF routes
// such as /imagestack?… are index.html), the cross-origin isolation headers Cornerstone needs
// for SharedArrayBuffer, a Content-Security-Policy that keeps the page on its own origin, and
// /dicom-web/* passed through (confined to its base) to a DICOMweb server so the browser talks
// to one origin. Configuration (README "Deployment"):
//   HOST                              interface to listen on (default 127.0.0.1: this machine only)
//   PORT                              default 3000
//   IMAGESTACK_DICOMWEB_URL           e.g. http://127.0.0.1:8042/dicom-web (unset: /dicom-web answers 503)
//   IMAGESTACK_DICOMWEB_TOKEN         a bearer token added to every /dicom-web request; never sent to the browser
//   IMAGESTACK_DICOMWEB_ALLOW_DELETE  1: let DELETE through to the DICOMweb server (default: 405)
//   IMAGESTACK_DICOMWEB_MAX_BODY_MB   largest /dicom-web request body, MiB (default 2048)
import serverModule from './server.cjs';

const { createViewerServer, DEFAULT_MAX_BODY_MB } = serverModule;

function fail(message) {
  console.error(`[serve] ${message}`);
  process.exit(2);
}

const port = Number(process.env.PORT || 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, got "${process.env.PORT}"`);
const host = process.env.HOST || '127.0.0.1';
const maxBodyMb = Number(process.env.IMAGESTACK_DICOMWEB_MAX_BODY_MB || DEFAULT_MAX_BODY_MB);
if (!(maxBodyMb > 0)) fail(`IMAGESTACK_DICOMWEB_MAX_BODY_MB must be a positive number of MiB, got "${process.env.IMAGESTACK_DICOMWEB_MAX_BODY_MB}"`);
const allowDeleteEnv = process.env.IMAGESTACK_DICOMWEB_ALLOW_DELETE ?? '';
if (!['', '0', '1'].includes(allowDeleteEnv)) fail(`IMAGESTACK_DICOMWEB_ALLOW_DELETE must be 1 or 0, got "${allowDeleteEnv}"`);

let server;
try {
  server = createViewerServer({
    // (IMAGESTACK_DIST: another built viewer folder, for tests)
    dist: process.env.IMAGESTACK_DIST || undefined,
    dicomWebUrl: process.env.IMAGESTACK_DICOMWEB_URL || undefined,
    dicomWebToken: process.env.IMAGESTACK_DICOMWEB_TOKEN || undefined,
    allowDelete: allowDeleteEnv === '1',
    maxBodyMb,
  });
} catch (e) {
  fail(e.message);
}
server.listen(port, host, () => {
  const shown = host.includes(':') ? `[${host}]` : host;
  const lines = [`[serve] ImageStack viewer on http://${shown}:${server.address().port}/`];
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    lines.push(`[serve] listening on ${host}: reachable from the network; put it behind your sign-on (README "Deployment")`);
  }
  if (process.env.IMAGESTACK_DICOMWEB_URL) {
    const u = new URL(process.env.IMAGESTACK_DICOMWEB_URL);
    lines.push(`[serve] /dicom-web -> ${u.origin}${u.pathname}` +
      `${process.env.IMAGESTACK_DICOMWEB_TOKEN ? ' (with a bearer token)' : ''}${allowDeleteEnv === '1' ? ', DELETE allowed' : ''}, bodies up to ${maxBodyMb} MiB`);
  }
  console.log(lines.join('\n'));
});
server.on('error', e => fail(`cannot listen on ${host}:${port}: ${e.code ?? e.message}`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
