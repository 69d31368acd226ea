// Stands in for extensions/image-stack/src/workers/spawn.ts in Node unit tests: Web Workers
// exist only in the browser, where tests/e2e exercises them.
'use strict';
const browserOnly = name => () => {
  throw new Error(`${name}: Web Workers run in the browser only (see tests/e2e)`);
};
module.exports = {
  spawnMeshWorker: browserOnly('spawnMeshWorker'),
  spawnDecodeWorker: browserOnly('spawnDecodeWorker'),
  spawnFitWorker: browserOnly('spawnFitWorker'),
  jpegWasmUrl: browserOnly('jpegWasmUrl'),
};
