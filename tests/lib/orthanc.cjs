// A real Orthanc with its DICOMweb plugin for the tests that need a PACS (the CLI's STOW-RS
// integration test under jest, the browser tests): a free loopback port, a temporary
// configuration and storage, started and stopped by the test. Needs the Debian packages
// `orthanc` and `orthanc-dicomweb` (bash .ci/run installs them) and says so when they are missing.
// CommonJS so that jest and the ES-module browser tests share this one copy.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const PLUGIN_DIRS = ['/usr/share/orthanc/plugins', '/usr/lib/orthanc'];

function findDicomWebPlugin() {
  for (const dir of PLUGIN_DIRS) {
    if (!fs.existsSync(dir)) continue;
    const hit = fs.readdirSync(dir).find(name => /^libOrthancDicomWeb\.so/.test(name));
    if (hit) return path.join(dir, hit);
  }
  throw new Error(`the Orthanc DICOMweb plugin (libOrthancDicomWeb.so) is not in ${PLUGIN_DIRS.join(' or ')}: apt-get install orthanc-dicomweb`);
}

function findOrthanc() {
  for (const candidate of ['Orthanc', '/usr/sbin/Orthanc']) {
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return candidate;
  }
  throw new Error('Orthanc is not installed (no Orthanc or /usr/sbin/Orthanc): apt-get install orthanc orthanc-dicomweb');
}

/** A TCP port nothing listens on right now (loopback). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Orthanc; resolves when its REST API answers and the DICOMweb plugin is loaded.
 * `kill()` ends the process at once (SIGKILL, as a crash or a pulled plug would) and keeps
 * its port, configuration and storage, so `restart()` brings the same PACS back; `stop()` ends
 * it and deletes its storage.
 * @returns {Promise<{ url: string, dicomWebRoot: string, log: () => string, stop: () => Promise<void>, kill: () => Promise<void>, restart: () => Promise<void> }>}
 */
async function startOrthanc({ timeoutMs = 20_000 } = {}) {
  const binary = findOrthanc();
  const plugin = findDicomWebPlugin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imagestack-orthanc-'));
  const port = await freePort();
  const config = {
    Name: 'imagestack-test',
    StorageDirectory: path.join(dir, 'db'),
    IndexDirectory: path.join(dir, 'db'),
    HttpPort: port,
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    Plugins: [plugin],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
  };
  const configPath = path.join(dir, 'orthanc.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const url = `http://127.0.0.1:${port}`;

  let output = '';
  let child = null;
  let exited = true;
  let exitedPromise = Promise.resolve();

  const launch = () => {
    child = spawn(binary, [configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    exited = false;
    exitedPromise = new Promise(resolve => child.once('exit', () => ((exited = true), resolve())));
  };
  const end = async signal => {
    if (!exited) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(timer);
    }
  };
  const stop = async () => {
    await end('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const waitUntilUp = async () => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) throw new Error(`Orthanc exited during start-up:\n${output.slice(-2000)}`);
      try {
        const r = await fetch(`${url}/system`);
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`Orthanc did not answer ${url}/system within ${timeoutMs} ms:\n${output.slice(-2000)}`);
      await new Promise(r => setTimeout(r, 100));
    }
  };

  launch();
  try {
    await waitUntilUp();
    const plugins = await (await fetch(`${url}/plugins`)).json();
    if (!plugins.includes('dicom-web')) {
      throw new Error(`Orthanc started without its DICOMweb plugin (${plugin}): apt-get install orthanc-dicomweb\n${output.slice(-2000)}`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    dicomWebRoot: `${url}/dicom-web`,
    log: () => output,
    stop,
    kill: () => end('SIGKILL'),
    restart: async () => {
      await end('SIGTERM');
      launch();
      await waitUntilUp();
    },
  };
}

/** QIDO-RS as DICOM JSON, e.g. qido(root, 'series?StudyInstanceUID=…'). */
async function qido(dicomWebRoot, query) {
  const r = await fetch(`${dicomWebRoot}/${query}`, { headers: { Accept: 'application/dicom+json' } });
  if (r.status === 204) return [];
  if (!r.ok) throw new Error(`QIDO-RS ${query}: HTTP ${r.status} ${await r.text()}`);
  const text = await r.text();
  return text.trim() ? JSON.parse(text) : [];
}

module.exports = { freePort, startOrthanc, qido };
