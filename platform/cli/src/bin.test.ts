// The installed bin must be a committed file: npm links workspace bins before postinstall has
// compiled dist/, and a bin whose target does not exist yet is silently not linked.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { freshBundleOr } from '@imagestack/core/stack/node/meshWorkers';

const pkgDir = join(__dirname, '..');

/** Slices s1.png … of a ball of `radius` voxels around `centre` (grey 200 in 30), as 8-bit grey PNGs. */
function writeBall(dir: string, [w, h, n]: [number, number, number], [ci, cj, ck]: [number, number, number], radius: number): void {
  for (let k = 0; k < n; k++) {
    const data = new Uint8Array(w * h);
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) data[i + w * j] = (i - ci) ** 2 + (j - cj) ** 2 + (k - ck) ** 2 <= radius ** 2 ? 200 : 30;
    writeFileSync(join(dir, `s${k + 1}.png`), encode({ width: w, height: h, data, channels: 1, depth: 8 }));
  }
}
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { bin: Record<string, string> };

test('the imagestack bin is a committed launcher, not build output', () => {
  const bin = pkg.bin.imagestack;
  expect(bin).toBe('bin/imagestack.js');
  expect(readFileSync(join(pkgDir, bin), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
});

(existsSync(join(pkgDir, 'dist', 'cli.js')) ? test : test.skip)('the launcher runs the built CLI (skipped before `npm run build:node`)', () => {
  const r = spawnSync(process.execPath, [join(pkgDir, pkg.bin.imagestack), '--help'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^usage: imagestack <command>/);
});

(existsSync(join(pkgDir, 'dist', 'cli.js')) ? test : test.skip)('a reader that closes the pipe early is no crash: the command ends as it would have', () => {
  // `true` exits without reading, so the CLI's write meets a closed pipe (EPIPE)
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${join(pkgDir, pkg.bin.imagestack)}" --help | true`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

(existsSync(join(pkgDir, 'dist', 'cli.js')) ? test : test.skip)('mesh through the launcher: its early mesh threads mesh, or are let go when the command does not take them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imagestack-bin-'));
  try {
    writeBall(dir, [20, 16, 12], [9, 7, 5], 4); // 12 slices of 20×16 grey PNG
    // A process that kept an untaken worker alive would not exit: spawnSync's timeout kills it (status null).
    const run = (...args: string[]) => spawnSync(process.execPath, [join(pkgDir, pkg.bin.imagestack), 'mesh', dir, '--spacing', '0.6,0.5', '--slice-spacing', '1.2', '--origin', '-10,20,-30', '--threshold', '100', ...args], { encoding: 'utf8', timeout: 60_000 });
    const threaded = run('--stl', join(dir, 'a.stl'));
    expect(threaded.stderr).toBe('');
    expect(threaded.status).toBe(0);
    // the single-thread path (a refine step) gives the threads back and reads with its own workers
    const single = run('--largest-island', '--stl', join(dir, 'b.stl'));
    expect(single.status).toBe(0);
    expect(readFileSync(join(dir, 'a.stl')).equals(readFileSync(join(dir, 'b.stl')))).toBe(true);
    // an STL that cannot be written: one line naming it, nothing left beside it
    const unwritable = run('--stl', join(dir, 'no', 'such', 'x.stl'));
    expect(unwritable.stderr).toBe(`imagestack mesh: ${join(dir, 'no', 'such', 'x.stl')}: cannot write (ENOENT)\n`);
    expect(unwritable.status).toBe(1);
    // a usage error before any slice is read
    const wrong = run('--smooth', 'lots', '--stl', join(dir, 'c.stl'));
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--smooth takes a whole number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// After `npm run build:node` (npm ci runs it) the launcher runs the CLI's bundle and the threads
// the mesh worker's (scripts/bundleNode.mjs); after a compile alone, the modules.
// (the launcher's own files, bin/entry.js, and its choice between them)
const entry = require('../bin/entry.js') as { plain: string; bundle: string; builtAfter: string[] };
const bundled = freshBundleOr(entry.bundle, entry.plain, entry.builtAfter) !== entry.plain;
(bundled ? test : test.skip)('the bundles mesh as the modules do, byte for byte (skipped unless `npm run build:node` made them after the last compile)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imagestack-bundle-'));
  try {
    writeBall(dir, [24, 18, 10], [11, 8, 4], 5);
    const run = (stl: string, env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [join(pkgDir, pkg.bin.imagestack), 'mesh', dir, '--spacing', '0.7,0.4', '--slice-spacing', '1.5', '--origin', '12,-40,7', '--threshold', '100', '--smooth', '5', '--json', '--stl', join(dir, stl)], { encoding: 'utf8', timeout: 60_000, env });
    const fromBundles = run('a.stl', process.env);
    const fromModules = run('b.stl', { ...process.env, IMAGESTACK_NO_BUNDLE: '1' });
    expect(fromBundles.stderr).toBe('');
    expect(fromBundles.status).toBe(0);
    expect(fromModules.status).toBe(0);
    expect(fromBundles.stdout.replace(/a\.stl/g, 'x.stl')).toBe(fromModules.stdout.replace(/b\.stl/g, 'x.stl'));
    expect(readFileSync(join(dir, 'a.stl')).equals(readFileSync(join(dir, 'b.stl')))).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
