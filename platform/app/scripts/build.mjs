// Assembles the deployable viewer in platform/app/dist:
//   1. checks the unpacked prebuilt OHIF viewer against the pin (ohif-dist.lock.json) and copies it
//   1b. serves the host's ITK-wasm interpolation pipeline from our origin (itk-pipelines.cjs)
//   2. finds the host's React / ReactDOM / @ohif/core / @ohif/ui-next (host-modules.cjs) and
//      writes the shims our plugins import instead of bundling second copies
//   3. bundles our extension, mode and web workers with webpack as ES modules
//   4. installs our app-config.js and patches index.html (import map + host bridge)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import hostModules from './host-modules.cjs';
import lockTools from './ohif-dist-lock.cjs';
import itkPipelines from './itk-pipelines.cjs';

const { findHostModules, shimSource, bridgeScript } = hostModules;
const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(appDir, '.ohif-dist');
const finalOut = path.join(appDir, 'dist');
// Built beside the final folder and swapped in at the end, so a server or test reading
// dist never sees a half-written viewer, and two builds at once cannot interleave.
const out = path.join(appDir, `.dist-build-${process.pid}`);
const shimDir = path.join(appDir, '.cache', 'shims');
// Parts of the stock viewer that our deployment never loads (a 20 MB ONNX runtime, the
// slide-microscopy viewer): left out to keep the served folder small.
const PRUNE = ['ort', 'dicom-microscopy-viewer'];
const t0 = Date.now();

// ---- 1. the pinned viewer ------------------------------------------------------------------
const lock = lockTools.readLock(appDir);
const stampFile = path.join(src, '.fetched');
if (!fs.existsSync(stampFile) || fs.readFileSync(stampFile, 'utf8') !== lockTools.stampFor(lock)) {
  console.error(
    `[build] platform/app/.ohif-dist is not the pinned ${lock.name}@${lock.version}: run \`npm ci\` ` +
      `(its postinstall fetches and verifies the viewer) or \`node platform/app/scripts/fetch-ohif-dist.mjs\`.`,
  );
  process.exit(1);
}
fs.rmSync(out, { recursive: true, force: true });
process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
fs.cpSync(src, out, { recursive: true, filter: p => !PRUNE.includes(path.relative(src, p).split(path.sep)[0]) });

// ---- 1b. the ITK-wasm pipeline of "Interpolate Labelmap", from our origin ------------------
try {
  const itk = itkPipelines.servePipelines(out, appDir);
  console.log(`[build] ${itkPipelines.PACKAGE}@${itk.version} served at ${itk.base} (default rewritten in ${itk.chunk})`);
} catch (e) {
  console.error(`[build] ${e.message}`);
  process.exit(1);
}

// ---- 2. host shims -------------------------------------------------------------------------
let host;
try {
  host = findHostModules(out);
} catch (e) {
  console.error(`[build] ${e.message}`);
  process.exit(1);
}
fs.mkdirSync(shimDir, { recursive: true });
const shims = {};
for (const [name, info] of Object.entries(host)) {
  const file = path.join(shimDir, name.replace(/[@/]/g, '_') + '.mjs');
  fs.writeFileSync(file, shimSource(name, info));
  shims[name] = file;
}

// ---- 3. plugins ----------------------------------------------------------------------------
// (imported only now, so that a wrong viewer is refused before anything heavy loads)
const { default: webpack } = await import('webpack');
const { pluginConfigs, PLUGINS } = await import('./webpack.plugins.mjs');
const production = process.env.NODE_ENV !== 'development';
const stats = await new Promise((resolve, reject) =>
  webpack(pluginConfigs({ outDir: path.join(out, 'plugins'), shims, production }), (err, s) => (err ? reject(err) : resolve(s))),
);
if (stats.hasErrors()) {
  console.error(stats.toString({ all: false, errors: true, errorDetails: true, colors: false }));
  process.exit(1);
}
if (stats.hasWarnings()) console.warn(stats.toString({ all: false, warnings: true, colors: false }));

// ---- 4. config + index.html ----------------------------------------------------------------
fs.copyFileSync(path.join(appDir, 'public', 'app-config.js'), path.join(out, 'app-config.js'));
const importMap = { imports: Object.fromEntries(PLUGINS.filter(p => p.spec).map(p => [p.spec, `/plugins/${p.file}`])) };
let html = fs.readFileSync(path.join(src, 'index.html'), 'utf8');
if (!html.includes('<head>')) throw new Error('[build] unexpected index.html: no <head>');
html = html
  .replace('<head>', `<head><script type="importmap">${JSON.stringify(importMap)}</script>${bridgeScript()}`)
  .replace(/<title>[^<]*<\/title>/, '<title>ImageStack</title>');
fs.writeFileSync(path.join(out, 'index.html'), html);
const old = `${finalOut}.old-${process.pid}`;
if (fs.existsSync(finalOut)) fs.renameSync(finalOut, old);
fs.renameSync(out, finalOut);
fs.rmSync(old, { recursive: true, force: true });
console.log(`[build] viewer ready in platform/app/dist (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
