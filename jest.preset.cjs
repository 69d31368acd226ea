// Shared jest set-up for every package: TypeScript through ts-jest (transpile only: the
// type check is `npm run typecheck`), tests beside the code as *.test.ts(x), Node environment.
// ESM-only dependencies (fast-png, iobuffer, fast-bmp) are transformed to CommonJS too.
const path = require('node:path');
const root = __dirname;

module.exports = (displayName, dir) => ({
  displayName,
  rootDir: dir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.ts', '<rootDir>/**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/\\.ohif-dist/', '/\\.cache/'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      'ts-jest',
      {
        tsconfig: path.join(root, 'tsconfig.jest.json'),
        transpilation: true,
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(fast-png|iobuffer|fast-bmp)/)'],
  moduleNameMapper: {
    '^(\\.\\./|\\./)?workers/spawn$': path.join(root, 'tests/stubs/workers.cjs'),
    '^@ohif/(core|ui-next)$': path.join(root, 'tests/stubs/ohif-host.cjs'),
    '^@imagestack/core$': path.join(root, 'platform/core/src/index.ts'),
    '^@imagestack/core/(.*)$': path.join(root, 'platform/core/src/$1'),
  },
});
