// `require('@imagestack/core/meshWorkers')`: spawning the mesh threads without loading the rest
// of core (a process starts them before its other modules load), compiled to dist/stack/node/meshWorkers.js.
module.exports = require('./dist/stack/node/meshWorkers');
