// Fetches the prebuilt OHIF viewer (the `dist/` of @ohif/app) with the ordinary npm client.
// `npm install @ohif/app` fails (ETARGET: some of its pinned @ohif dependencies were never
// published) and we need none of its dependencies anyway, so we `npm pack` the tarball, check
// its sha512 against the integrity pinned in ohif-dist.lock.json, and unpack dist/ only.
// A tarball that does not match the pin is refused: the host bridge (host-modules.mjs) is
// written against one exact build.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lockTools from './ohif-dist-lock.cjs';

const { verifyIntegrity, readLock, stampFor } = lockTools;

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(appDir, '.ohif-dist');
const cacheDir = path.join(appDir, '.cache');
const stamp = path.join(outDir, '.fetched');
const lock = readLock(appDir);
const want = stampFor(lock);

if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) {
  console.log(`[ohif-dist] ${lock.name}@${lock.version} already present`);
  process.exit(0);
}
fs.mkdirSync(cacheDir, { recursive: true });
const t0 = Date.now();
const tarball = path.join(cacheDir, `ohif-app-${lock.version}.tgz`);
if (!fs.existsSync(tarball) || !verifyIntegrity(fs.readFileSync(tarball), lock.integrity)) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npm, ['pack', `${lock.name}@${lock.version}`, '--json', '--pack-destination', cacheDir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [info] = JSON.parse(out);
  fs.renameSync(path.join(cacheDir, info.filename), tarball);
}
const bytes = fs.readFileSync(tarball);
if (!verifyIntegrity(bytes, lock.integrity)) {
  fs.rmSync(tarball, { force: true });
  console.error(
    `[ohif-dist] ${lock.name}@${lock.version}: the tarball does not match the integrity pinned in ` +
      `platform/app/ohif-dist.lock.json. Refusing to build on an unverified viewer.`,
  );
  process.exit(1);
}
const tar = await import('tar');
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
await tar.x({ file: tarball, cwd: outDir, strip: 2, filter: p => p.startsWith('package/dist/') });
fs.writeFileSync(stamp, want);
console.log(`[ohif-dist] ${lock.name}@${lock.version} verified and unpacked in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
