import fs from 'node:fs';
import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { scanBundle, checkHostModules, findHostModules, shimSource, bridgeScript } = require('./host-modules.cjs');

const distDir = path.resolve(__dirname, '../.ohif-dist');

// A miniature of the rspack output the bridge reads: one module factory that imports React
// and @ohif/core and uses two of core's exports.
const bundle = (reactId: number, coreId: number, mangled = 'H8') => `
12345(module, __webpack_exports__, __webpack_require__) {
// EXTERNAL MODULE: ../../../node_modules/react/index.js
var react = __webpack_require__(${reactId});
// EXTERNAL MODULE: ../../core/src/index.ts + 80 modules
var core_src = __webpack_require__(${coreId});
core_src/* .DicomMetadataStore */.${mangled}.addInstances();
core_src/* ["default"] */.Ay.classes;
}`;

test('reads module ids and mangled export names from the bundle comments', () => {
  const found = scanBundle(bundle(86326, 50679), {});
  expect(found.react).toEqual({ id: 86326, kind: 'cjs', exports: {} });
  expect(found['@ohif/core'].id).toBe(50679);
  expect(found['@ohif/core'].exports).toEqual({ DicomMetadataStore: 'H8', default: 'Ay' });
});

test('refuses a build where one module has two ids', () => {
  const found = scanBundle(bundle(1, 2), {});
  expect(() => scanBundle(bundle(1, 3), found)).toThrow(/@ohif\/core has two module ids/);
});

test('refuses a build where one export has two mangled names', () => {
  const found = scanBundle(bundle(1, 2, 'H8'), {});
  expect(() => scanBundle(bundle(1, 2, 'Q1'), found)).toThrow(/DicomMetadataStore has two mangled names/);
});

test('refuses a build that lacks a module we share', () => {
  const found = scanBundle(bundle(1, 2), {});
  expect(() => checkHostModules(found, 'test')).toThrow(/react-dom not found in test: the OHIF build changed/);
});

test('the generated shim hands out the host instance through the bridge', () => {
  const code = shimSource('@ohif/core', { id: 50679, kind: 'esm', exports: { default: 'Ay', DicomMetadataStore: 'H8' } });
  expect(code).toContain('globalThis.__ohifHost');
  expect(code).toContain('h.require(50679)');
  expect(code).toContain('export default m["Ay"];');
  expect(code).toContain('export const DicomMetadataStore = m["H8"];');
  expect(bridgeScript()).toMatch(/rspackChunk.*__ohifHost=\{require:r\}/);
});

// The real pinned viewer (fetched by npm ci's postinstall): every module and export we use is found.
test('finds every shared module in the pinned OHIF dist', () => {
  expect(fs.existsSync(path.join(distDir, 'index.html'))).toBe(true);
  const host = findHostModules(distDir);
  expect(Object.keys(host).sort()).toEqual(['@ohif/core', '@ohif/ui-next', 'react', 'react-dom', 'react-dom/client']);
  expect(host['@ohif/ui-next'].exports.Button).toBeTruthy();
});
