// The entry of the CLI's bundle (scripts/bundleNode.mjs): cli.js as a module of the bundle
// rather than its entry, so that cli.js's `require.main === module` stays false there, as it
// is when the launcher requires cli.js itself.
module.exports = require('./dist/cli.js');
