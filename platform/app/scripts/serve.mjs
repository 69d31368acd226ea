// The viewer's server: platform/app/dist as static files with an SPA fallback (OHIF routes
// such as /imagestack?… are index.html), the cross-origin isolation headers Cornerstone needs
// for SharedArrayBuffer, and /dicom-web/* passed through to a DICOMweb server so the browser
// talks to one origin. Configure with PORT (default 3000), HOST (default all interfaces) and
// IMAGESTACK_DICOMWEB_URL (for example http://127.0.0.1:8042/dicom-web; unset: /dicom-web answers 503)
// and IMAGESTACK_DICOMWEB_TOKEN (a bearer token added to every /dicom-web request; never sent to the browser).
import serverModule from './server.cjs';

const { createViewerServer } = serverModule;

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || undefined;
const server = createViewerServer({
  dicomWebUrl: process.env.IMAGESTACK_DICOMWEB_URL,
  dicomWebToken: process.env.IMAGESTACK_DICOMWEB_TOKEN,
});
server.listen(port, host, () => {
  console.log(`[serve] ImageStack viewer on http://localhost:${server.address().port}/`);
  if (process.env.IMAGESTACK_DICOMWEB_URL) console.log(`[serve] /dicom-web -> ${process.env.IMAGESTACK_DICOMWEB_URL}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
