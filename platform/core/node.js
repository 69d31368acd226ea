// `require('@imagestack/core/node')`: the Node-only entry (readStack, inspectStack), compiled to dist/node.js.
module.exports = require('./dist/node');
