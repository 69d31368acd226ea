// webpack configurations for our runtime-loaded plugins: ES-module bundles that the stock
// viewer imports through the import map. React, ReactDOM, @ohif/core and @ohif/ui-next
// resolve to the host shims (never a second copy); Cornerstone is taken from the host at
// run time through @ohif/extension-cornerstone's utility module, so it is never imported.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** What the build emits. `spec` is the import-map name the viewer imports (workers have none). */
export const PLUGINS = [
  { name: 'extension', spec: '@imagestack/extension-image-stack', entry: 'extensions/image-stack/src/index.tsx', file: 'extension-image-stack.js' },
  { name: 'mode', spec: '@imagestack/mode-image-stack', entry: 'modes/image-stack/src/index.ts', file: 'mode-image-stack.js' },
];

/** Packages a plugin must never bundle: they belong to the host. */
const FORBIDDEN = /^(@cornerstonejs\/|@kitware\/vtk\.js)/;

export function pluginConfigs({ outDir, shims, production }) {
  return PLUGINS.map(p => ({
    name: p.name,
    mode: production ? 'production' : 'development',
    devtool: 'source-map',
    target: p.worker ? 'webworker' : 'web',
    entry: path.join(root, p.entry),
    experiments: { outputModule: true },
    output: {
      path: outDir,
      filename: p.file,
      module: true,
      chunkFormat: 'module',
      library: p.worker ? undefined : { type: 'module' },
      publicPath: '/plugins/',
      clean: false,
    },
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
      alias: {
        ...shims,
        '@imagestack/core': path.join(root, 'platform/core/src/index.ts'),
      },
      // core's Node-only helpers are never reached from the browser entries
      fallback: { 'node:fs': false, 'node:path': false, 'node:os': false, 'node:worker_threads': false, fs: false, path: false },
    },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          loader: 'ts-loader',
          options: { transpileOnly: true, configFile: path.join(root, 'tsconfig.viewer.json') },
        },
      ],
    },
    externals: [
      // the mode refers to the extension only by its import-map name
      ...PLUGINS.filter(q => q.spec && q.spec !== p.spec).map(q => ({ [q.spec]: `module ${q.spec}` })),
      ({ request }, cb) => (FORBIDDEN.test(request ?? '') ? cb(new Error(`${p.name}: must not bundle ${request}: take it from the host`)) : cb()),
    ],
    performance: { hints: false },
    stats: 'errors-warnings',
  }));
}
