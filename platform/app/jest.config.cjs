module.exports = require('../../jest.preset.cjs')('app', __dirname);
