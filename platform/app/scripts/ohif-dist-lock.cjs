// The pin on the prebuilt viewer: name, version and the npm integrity (sha512, base64) of its
// tarball. Shared by the fetch step and the build step, which both refuse anything else.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** @returns {{name: string, version: string, integrity: string}} */
function readLock(appDir) {
  const lock = JSON.parse(fs.readFileSync(path.join(appDir, 'ohif-dist.lock.json'), 'utf8'));
  if (!lock.name || !lock.version || !/^sha512-[A-Za-z0-9+/]+=*$/.test(lock.integrity ?? '')) {
    throw new Error('platform/app/ohif-dist.lock.json must give name, version and a sha512 integrity');
  }
  return lock;
}

/** True when `bytes` hash to the pinned `sha512-<base64>` integrity string. */
function verifyIntegrity(bytes, integrity) {
  const m = /^sha512-([A-Za-z0-9+/]+=*)$/.exec(integrity);
  if (!m) return false;
  return crypto.createHash('sha512').update(bytes).digest('base64') === m[1];
}

/** What the fetch step writes next to the unpacked dist, and the build step insists on. */
function stampFor(lock) {
  return `${lock.name}@${lock.version} ${lock.integrity}`;
}

module.exports = { readLock, verifyIntegrity, stampFor };
