import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { patchChunk, servePipelines, SERVED_BASE, FILES, PACKAGE } = require('./itk-pipelines.cjs');

/** A chunk shaped like the host's (rspack concatenation of the bindgen package). */
const chunk = (version = '1.1.0', url = 'https://cdn.example/npm') =>
  `;// CONCATENATED MODULE: ../../../node_modules/${PACKAGE}/dist/version.js\n` +
  `const version = "${version}";\n/* export default */ const dist_version = (version);\n` +
  `;// CONCATENATED MODULE: ../../../node_modules/${PACKAGE}/dist/pipelines-base-url.js\n` +
  'let pipelines_base_url_pipelinesBaseUrl;\n' +
  `let pipelines_base_url_defaultPipelinesBaseUrl = \`${url}/${PACKAGE}@\${dist_version}/dist/pipelines\`;\n` +
  'function f() { return pipelines_base_url_defaultPipelinesBaseUrl; }\n';

describe('patchChunk', () => {
  it('points the default base URL at our path and keeps the rest', () => {
    const out = patchChunk(chunk(), '1.1.0');
    expect(out).toContain(`let pipelines_base_url_defaultPipelinesBaseUrl = ${JSON.stringify(SERVED_BASE)};`);
    expect(out).not.toMatch(/https?:/);
    expect(out).toContain('function f() { return pipelines_base_url_defaultPipelinesBaseUrl; }');
  });
  it('leaves chunks without the default alone', () => {
    expect(patchChunk('const a = 1;', '1.1.0')).toBeNull();
  });
  it('refuses a host that bundles another version', () => {
    expect(() => patchChunk(chunk('1.2.0'), '1.1.0', 'x.js')).toThrow(/x\.js bundles .* 1\.2\.0, we serve 1\.1\.0/);
  });
  it('refuses two defaults in one chunk', () => {
    expect(() => patchChunk(chunk() + chunk(), '1.1.0')).toThrow(/appears 2 times/);
  });
});

describe('servePipelines', () => {
  const make = (chunks: Record<string, string>) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'itkp-'));
    const pkg = path.join(root, 'node_modules', PACKAGE);
    fs.mkdirSync(path.join(pkg, 'dist', 'pipelines'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ version: '1.1.0' }));
    for (const f of [...FILES, 'morphological-contour-interpolation.wasm.zst']) fs.writeFileSync(path.join(pkg, 'dist', 'pipelines', f), f);
    const dist = path.join(root, 'dist');
    fs.mkdirSync(dist);
    for (const [f, s] of Object.entries(chunks)) fs.writeFileSync(path.join(dist, f), s);
    return { root, dist };
  };
  it('patches the one chunk and copies only the pipeline files', () => {
    const { root, dist } = make({ 'a.js': 'x', 'b.js': chunk() });
    const r = servePipelines(dist, path.join(root, 'app'));
    expect(r.chunk).toBe('b.js');
    expect(fs.readFileSync(path.join(dist, 'b.js'), 'utf8')).toContain(JSON.stringify(SERVED_BASE));
    expect(fs.readdirSync(path.join(dist, SERVED_BASE)).sort()).toEqual([...FILES].sort());
  });
  it('fails when no chunk carries the default (the OHIF build changed)', () => {
    const { root, dist } = make({ 'a.js': 'x' });
    expect(() => servePipelines(dist, root)).toThrow(/found in 0 chunks/);
  });
});
