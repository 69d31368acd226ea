// `npm run test:e2e`: the browser tests, against the built viewer (platform/app/dist), in
// Debian's Chromium driven by playwright-core. One spec file at a time: two SwiftShader
// renderers on two cores would only slow each other down.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from './lib/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const exe = chromiumPath();
if (!fs.existsSync(exe)) {
  console.error(`e2e: Chromium not found at ${exe}. Install Debian's: \`apt-get install chromium\` (bash .ci/run does it), or set CHROMIUM=/path/to/chromium.`);
  process.exit(1);
}
if (!fs.existsSync(path.resolve(here, '../../platform/app/dist/index.html'))) {
  console.error('e2e: no built viewer: run `npm run build` first.');
  process.exit(1);
}
const only = process.argv.slice(2);
const specs = fs
  .readdirSync(here)
  .filter(f => f.endsWith('.spec.mjs'))
  .filter(f => !only.length || only.some(o => f.includes(o)))
  .sort()
  .map(f => path.join(here, f));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...specs], { stdio: 'inherit' });
process.exit(r.status ?? 1);
