module.exports = require('../../jest.preset.cjs')('mode', __dirname);
