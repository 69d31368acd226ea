#!/usr/bin/env node
// The installed `imagestack` command. A committed file, so that npm can link it whatever the
// order of install steps: on a fresh clone `npm ci` links workspace bins before its
// postinstall has compiled dist/, and a bin pointing at dist/cli.js was then not linked at all.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write(
    `imagestack: the command line is not built yet (no ${path.relative(process.cwd(), cli) || cli}): ` +
      'run `npm run build:node` in the repository (npm ci does it in its postinstall)\n',
  );
  process.exit(2);
}
require(cli).runFromProcess();
