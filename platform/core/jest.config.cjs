module.exports = require('../../jest.preset.cjs')('core', __dirname);
