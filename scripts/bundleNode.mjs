// `npm run build:node`'s second step, after `tsc -b`: the command line and the mesh worker as one
// file each, from the compiled output of platform/cli and platform/core. Node loads a module
// at a time, each found, read and compiled on its own: about 130 of ours for the CLI took
// 60-90 ms of its start, the mesh worker's 40 another 20-30 ms in each thread, while the
// slices wait (the 512x512x400 mesh takes about 0.6 s in all). One file each loads in a
// fraction of that. The packages they use (dcmjs, fflate, …) stay outside, required from
// where Node finds them now, and so does meshWorkers.js, which finds the worker scripts beside
// itself. The launchers use a bundle only while it is newer than the compiles it was made
// from (meshWorkers.ts, freshBundleOr): `npx tsc -b` alone never runs an older bundle.
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const core = path.join(root, 'platform/core');
const cli = path.join(root, 'platform/cli');
const require = createRequire(import.meta.url);
const inside = (dir, file) => file.startsWith(dir + path.sep);
const meshWorkersModule = path.join(core, 'dist/stack/node/meshWorkers.js');

/** A bundle of `entry` (compiled JavaScript) written to `out`. */
function config(entry, out) {
  const outDir = path.dirname(out);
  return {
    mode: 'production',
    target: 'node20',
    entry,
    devtool: false,
    // readable stack traces: scope-hoisted, not minified
    optimization: { minimize: false, concatenateModules: true },
    // written every time, unchanged or not: its time is what says it is fresh (freshBundleOr)
    output: { path: outDir, filename: path.basename(out), library: { type: 'commonjs2' }, compareBeforeEmit: false },
    performance: { hints: false },
    node: { __dirname: false, __filename: false },
    externalsPresets: { node: true },
    externals: [
      ({ request, context }, done) => {
        if (!request || request.startsWith('node:')) return done();
        let file;
        try {
          file = require.resolve(request, { paths: [context] });
        } catch {
          return done(); // a Node built-in, or left for webpack to report
        }
        if (file === path.join(core, 'meshWorkers.js')) file = meshWorkersModule;
        const ours = (inside(core, file) || inside(cli, file)) && !file.includes(`${path.sep}node_modules${path.sep}`);
        if (ours && file !== meshWorkersModule) return done(); // bundled
        let rel = path.relative(outDir, file).split(path.sep).join('/');
        if (!rel.startsWith('.')) rel = `./${rel}`;
        done(null, `commonjs ${rel}`);
      },
    ],
  };
}

const bundles = [
  // cli.js as a module of the bundle, not its entry: its `require.main === module` must stay false when the launcher requires it
  config(path.join(cli, 'bundleEntry.cjs'), path.join(cli, 'dist/cli.bundle.js')),
  config(path.join(core, 'dist/stack/node/meshWorker.js'), path.join(core, 'dist/stack/node/meshWorker.bundle.js')),
];

webpack(bundles, (err, stats) => {
  if (err || stats.hasErrors()) {
    process.stderr.write(`bundleNode: ${err?.message ?? stats.toString('errors-only')}\n`);
    process.exit(1);
  }
  const warnings = stats.stats.flatMap(s => s.compilation.warnings);
  if (warnings.length) {
    process.stderr.write(`bundleNode: ${warnings.map(w => w.message).join('\n')}\n`);
    process.exit(1);
  }
});
