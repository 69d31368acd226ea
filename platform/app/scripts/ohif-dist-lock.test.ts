import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { readLock, verifyIntegrity, stampFor } = require('./ohif-dist-lock.cjs');

const appDir = path.resolve(__dirname, '..');

test('accepts bytes that match the pinned integrity and refuses one changed byte', () => {
  const bytes = Buffer.from('the prebuilt viewer');
  const integrity = 'sha512-' + crypto.createHash('sha512').update(bytes).digest('base64');
  expect(verifyIntegrity(bytes, integrity)).toBe(true);
  const changed = Buffer.from(bytes);
  changed[0] ^= 1;
  expect(verifyIntegrity(changed, integrity)).toBe(false);
  expect(verifyIntegrity(bytes, 'sha1-abc')).toBe(false);
});

test('the lock pins @ohif/app 3.13.2 by sha512', () => {
  const lock = readLock(appDir);
  expect(lock.name).toBe('@ohif/app');
  expect(lock.version).toBe('3.13.2');
  expect(lock.integrity).toMatch(/^sha512-/);
});

test('the build refuses a viewer that was not fetched for the pinned lock', () => {
  // a copy of platform/app whose .ohif-dist stamp names another integrity
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-app-'));
  try {
    fs.cpSync(path.join(appDir, 'scripts'), path.join(tmp, 'scripts'), { recursive: true });
    fs.copyFileSync(path.join(appDir, 'ohif-dist.lock.json'), path.join(tmp, 'ohif-dist.lock.json'));
    fs.mkdirSync(path.join(tmp, '.ohif-dist'));
    fs.writeFileSync(path.join(tmp, '.ohif-dist', 'index.html'), '<html><head></head></html>');
    const lock = readLock(appDir);
    fs.writeFileSync(path.join(tmp, '.ohif-dist', '.fetched'), stampFor({ ...lock, integrity: 'sha512-AAAA' }));
    let out = '';
    try {
      execFileSync(process.execPath, [path.join(tmp, 'scripts', 'build.mjs')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e: any) {
      out = String(e.stderr);
      expect(e.status).toBe(1);
    }
    expect(out).toMatch(/is not the pinned @ohif\/app@3\.13\.2/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
