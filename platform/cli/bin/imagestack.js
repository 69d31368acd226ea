#!/usr/bin/env node
// The installed `imagestack` command. A committed file, so that npm can link it whatever the
// order of install steps: on a fresh clone `npm ci` links workspace bins before its
// postinstall has compiled dist/, and a bin pointing at dist/cli.js was then not linked at all.
'use strict';
// V8 optimises hot functions on a thread of its own by default, and the function runs in the
// interpreter (allocating a heap number per float operation) until that finishes. The heavy work
// here is on worker threads, one a core, so that compiler thread waits for a core: the STL
// encoder's first 20,000 triangles took 10-20 ms against 0.7 ms once optimised. Compiling on the
// thread that asked (set before any worker starts; workers read it as they start) took 12-13 %
// off `mesh` on the 512x512x400 phantom (10 alternating pairs, 0.55 vs 0.625 s; 16 % less CPU),
// 10 % with --smooth 20 (6 pairs); `convert` of the 2 GB capture stack 1.57 vs 2.58 s (3 pairs).
require('node:v8').setFlagsFromString('--no-concurrent-recompilation');
const fs = require('node:fs');
const path = require('node:path');

const { plain: cli, cliEntry } = require('./entry');
if (!fs.existsSync(cli)) {
  process.stderr.write(
    `imagestack: the command line is not built yet (no ${path.relative(process.cwd(), cli) || cli}): ` +
      'run `npm run build:node` in the repository (npm ci does it in its postinstall)\n',
  );
  process.exit(2);
}
const { spawnMeshWorkers } = require('@imagestack/core/meshWorkers');
// mesh and fit mesh on worker threads: started now, they boot (about 60 ms) while the command's
// modules load instead of after; the command takes them (cli.ts, CliIo).
const meshes = (process.argv[2] === 'mesh' || process.argv[2] === 'fit') && !process.argv.includes('--help') && !process.argv.includes('-h');
const meshWorkers = meshes ? spawnMeshWorkers() : undefined;
require(cliEntry()).runFromProcess({ meshWorkers });
