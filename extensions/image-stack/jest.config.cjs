module.exports = require('../../jest.preset.cjs')('extension', __dirname);
