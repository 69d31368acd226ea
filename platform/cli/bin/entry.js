// Which file runs the command line: the CLI and core bundled in one (npm run build:node), unless
// either project was compiled since (then the modules), one record for the launcher and its test.
'use strict';
const path = require('node:path');

const root = path.join(__dirname, '..');
/** The compiled modules' entry. */
const plain = path.join(root, 'dist', 'cli.js');
const bundle = path.join(root, 'dist', 'cli.bundle.js');
/** The two projects' build records, which `tsc -b` rewrites whenever it compiles them. */
const builtAfter = [path.join(root, 'tsconfig.tsbuildinfo'), path.join(root, '..', 'core', 'tsconfig.tsbuildinfo')];

/** The bundle while it is newer than both projects' last compile, else the modules (`plain`). */
const cliEntry = () => require('@imagestack/core/meshWorkers').freshBundleOr(bundle, plain, builtAfter); // (core loaded only once the launcher knows it is built)

module.exports = { plain, bundle, builtAfter, cliEntry };
