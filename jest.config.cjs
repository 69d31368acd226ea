// `npm run test:unit`: every package's unit tests in one jest run.
module.exports = {
  projects: ['<rootDir>/platform/core', '<rootDir>/platform/cli', '<rootDir>/platform/app', '<rootDir>/extensions/image-stack', '<rootDir>/modes/image-stack'],
};
