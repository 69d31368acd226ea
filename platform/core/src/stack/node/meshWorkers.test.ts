// Which built file a launcher runs: a bundle only while it is newer than every compile it was made from.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshBundleOr } from './meshWorkers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'imagestack-bundle-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A file at `path` last written `at` seconds after the epoch. */
const file = (name: string, at: number) => {
  const path = join(dir, name);
  writeFileSync(path, '');
  utimesSync(path, at, at);
  return path;
};

test('the bundle, when it was made after every build record', () => {
  const records = [file('core.tsbuildinfo', 1000), file('cli.tsbuildinfo', 1001)];
  expect(freshBundleOr(file('cli.bundle.js', 1002), 'cli.js', records)).toBe(join(dir, 'cli.bundle.js'));
});

test('the modules, when either project was compiled after the bundle was made', () => {
  const bundle = file('cli.bundle.js', 1002);
  expect(freshBundleOr(bundle, 'cli.js', [file('core.tsbuildinfo', 1000), file('cli.tsbuildinfo', 1003)])).toBe('cli.js');
  expect(freshBundleOr(bundle, 'cli.js', [file('core2.tsbuildinfo', 1003), file('cli2.tsbuildinfo', 1000)])).toBe('cli.js');
});

test('the modules when there is no bundle; a missing build record is no compile', () => {
  expect(freshBundleOr(join(dir, 'none.bundle.js'), 'cli.js', [file('core.tsbuildinfo', 1000)])).toBe('cli.js');
  expect(freshBundleOr(file('cli.bundle.js', 1002), 'cli.js', [join(dir, 'no.tsbuildinfo')])).toBe(join(dir, 'cli.bundle.js'));
});
