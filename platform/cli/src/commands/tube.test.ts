import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meshTopology, readMesh } from '@imagestack/core';
import { main } from '../cli';

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env: {} }, out, err };
}

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'imagestack-tube-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('tube --json writes a closed binary STL of the analytic volume, and a sidecar with the parameters and frame', async () => {
  const c = collect();
  const stl = join(root, 'trach.stl');
  expect(await main(['tube', '--od', '11', '--id', '8.5', '--length', '90', '--bend-radius', '30', '--bend-angle', '90', '--stl', stl, '--json'], c.io)).toBe(0);
  expect(c.err.join('')).toBe('');
  const r = JSON.parse(c.out.join(''));
  expect(r).toMatchObject({ watertight: true, oriented: true, parameters: { outerDiameterMm: 11, innerDiameterMm: 8.5, lengthMm: 90, bendRadiusMm: 30, bendAngleDeg: 90 } });
  expect(Math.abs(r.volume_mL / ((Math.PI / 4) * (121 - 72.25) * 90 / 1000) - 1)).toBeLessThan(0.01);
  const m = readMesh(readFileSync(stl), stl);
  expect(m.triangles.length / 3).toBe(r.triangles);
  expect(meshTopology(m)).toMatchObject({ watertight: true, oriented: true });
  expect(JSON.parse(readFileSync(`${stl}.json`, 'utf8'))).toMatchObject({ units: 'mm', parameters: { lengthMm: 90 }, frame: expect.stringContaining('+z') });
});

test('tube: a cuff, ASCII, human output; bad values name the flag and exit non-zero', async () => {
  const ok = collect();
  const stl = join(root, 'cuffed.stl');
  expect(await main(['tube', '--od=10', '--id=8', '--length=60', '--cuff=16', '--ascii', '--stl', stl], ok.io)).toBe(0);
  expect(ok.out.join('')).toMatch(/^wrote .*cuffed\.stl \(ASCII STL, mm\): \d+ triangles, .* mL, closed and oriented/);
  expect(readFileSync(stl, 'utf8').startsWith('solid tube')).toBe(true);
  const cases: [string[], RegExp, number][] = [
    [['--od', '10', '--length', '5', '--stl', stl], /--id <mm> is required/, 2],
    [['--od', 'ten', '--id', '8', '--length', '5', '--stl', stl], /--od takes a number, got "ten"/, 2],
    [['--od', '10', '--id', '12', '--length', '5', '--stl', stl], /inner diameter must be from 0 to below the outer diameter/, 1],
    [['--od', '10', '--id', '8', '--length', '5', '--bend-radius', '20', '--stl', stl], /--bend-radius and --bend-angle go together/, 2],
    [['--od', '10', '--id', '8', '--length', '5', '--stl', join(root, 'no', 'such', 'dir', 'x.stl')], /x\.stl: cannot write/, 1],
  ];
  for (const [args, re, code] of cases) {
    const c = collect();
    expect(await main(['tube', ...args], c.io)).toBe(code);
    expect(c.err.join('').split('\n')[0]).toMatch(re);
  }
});
