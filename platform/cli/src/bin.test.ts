// The installed bin must be a committed file: npm links workspace bins before postinstall has
// compiled dist/, and a bin whose target does not exist yet is silently not linked.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkgDir = join(__dirname, '..');
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
