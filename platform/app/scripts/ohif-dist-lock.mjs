// The pin on the prebuilt viewer: name, version and the npm integrity (sha512, base64) of its
// tarball. Shared by the fetch step and the build step, which both refuse anything else.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** @returns {{name: string, version: string, integrity: string}} */
export function readLock(appDir) {
  const lock = JSON.parse(fs.readFileSync(path.join(appDir, 'ohif-dist.lock.json'), 'utf8'));
  if (!lock.name || !lock.version || !/^sha512-/.test(lock.integrity ?? '')) {
    throw new Error('platform/app/ohif-dist.lock.json must give name, version and a sha512 integrity');
  }
  return lock;
}

/** True when `bytes` hash to the pinned `sha512-<base64>` integrity string. */
export function verifyIntegrity(bytes, integrity) {
  const [algo, expected] = integrity.split('-', 2);
  if (algo !== 'sha512' || !expected) return false;
  const actual = crypto.createHash('sha512').update(bytes).digest('base64');
  return actual === expected;
}
