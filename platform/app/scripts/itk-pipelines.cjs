// ITK-wasm pipelines served from our own origin, for the host's "Interpolate Labelmap".
//
// How the host runs it (OHIF 3.13.2, read from its dist): Cornerstone's compute worker
// (interpolation.bundle.*.js) imports @itk-wasm/morphological-contour-interpolation as a lazy
// chunk and calls it with `webWorker: false`, so the pipeline's emscripten module (<name>.js,
// a dynamic import()) and its <name>.wasm (fetched) load inside that worker, from
// `getPipelinesBaseUrl()`: the package's own setting, else itk-wasm's, else a CDN address
// written into the chunk. Both settings live in the worker's module instances, which no code
// on the page can reach (the host bridge sees the page's modules only), and Cornerstone passes
// no base URL through its configuration. So the build rewrites that one default in the copied
// chunk to a path of ours and copies the pipeline's two files, of the exact version the host
// bundles (checked), from the npm package (a devDependency of platform/app) to that path.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const PACKAGE = '@itk-wasm/morphological-contour-interpolation';
const PIPELINE = 'morphological-contour-interpolation';
/** Where the pipeline is served from (root-relative: the worker resolves it on our origin). */
const SERVED_BASE = `/itk-pipelines/${PIPELINE}`;
/** The pipeline's files: the emscripten module and its WebAssembly (not the .zst copy). */
const FILES = [`${PIPELINE}.js`, `${PIPELINE}.wasm`];

const esc = s => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
// `let <x> = \`<any absolute URL>/<PACKAGE>@${<version>}/dist/pipelines\`;` (the bindgen default)
const DEFAULT_RE = new RegExp(`(let [\\w$]+ = )\`https?://[^\`\\s]*/${esc(PACKAGE)}@\\$\\{[\\w$]+\\}/dist/pipelines\`;`, 'g');
const VERSION_RE = new RegExp(`// CONCATENATED MODULE: [^\\n]*/${esc(PACKAGE)}/dist/version\\.js\\r?\\nconst [\\w$]+ = "([^"]+)";`, 'g');

/**
 * Rewrites the pipeline's default base URL in one chunk's text. Returns null when the chunk
 * has no such default; throws when it has more than one, or when the version it bundles is not
 * `expectedVersion` (the files we serve must be the ones its loader expects).
 */
function patchChunk(src, expectedVersion, fileName = 'chunk') {
  const defaults = [...src.matchAll(DEFAULT_RE)];
  if (defaults.length === 0) return null;
  if (defaults.length > 1) throw new Error(`itk pipelines: ${PACKAGE}'s default base URL appears ${defaults.length} times in ${fileName}`);
  const versions = [...new Set([...src.matchAll(VERSION_RE)].map(m => m[1]))];
  if (versions.length !== 1 || versions[0] !== expectedVersion) {
    throw new Error(`itk pipelines: ${fileName} bundles ${PACKAGE} ${versions.join(', ') || '(version not found)'}, we serve ${expectedVersion}: install the host's version (npm install --save-exact -w platform/app ${PACKAGE}@<version>)`);
  }
  return src.replace(DEFAULT_RE, (_, head) => `${head}${JSON.stringify(SERVED_BASE)};`);
}

/** The installed package's folder and version (it has no ./package.json export, so by path). */
function installedPackage(fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'node_modules', PACKAGE, 'package.json');
    if (fs.existsSync(pkg)) return { dir: path.dirname(pkg), version: JSON.parse(fs.readFileSync(pkg, 'utf8')).version };
    if (path.dirname(dir) === dir) throw new Error(`itk pipelines: ${PACKAGE} not installed: run \`npm ci\``);
  }
}

/**
 * In a copied host dist folder: rewrites the one chunk that carries the default (exactly one
 * must) and copies the pipeline files under SERVED_BASE. Returns what it did.
 */
function servePipelines(distDir, fromDir) {
  const pkg = installedPackage(fromDir);
  const patched = [];
  for (const f of fs.readdirSync(distDir).filter(f => f.endsWith('.js')).sort()) {
    const file = path.join(distDir, f);
    const out = patchChunk(fs.readFileSync(file, 'utf8'), pkg.version, f);
    if (out !== null) {
      fs.writeFileSync(file, out);
      patched.push(f);
    }
  }
  if (patched.length !== 1) throw new Error(`itk pipelines: ${PACKAGE}'s default base URL found in ${patched.length} chunks of ${distDir}, expected 1: the OHIF build changed`);
  const target = path.join(distDir, ...SERVED_BASE.split('/').filter(Boolean));
  fs.mkdirSync(target, { recursive: true });
  for (const f of FILES) fs.copyFileSync(path.join(pkg.dir, 'dist', 'pipelines', f), path.join(target, f));
  return { chunk: patched[0], version: pkg.version, base: SERVED_BASE, files: FILES };
}

module.exports = { PACKAGE, SERVED_BASE, FILES, patchChunk, installedPackage, servePipelines };
