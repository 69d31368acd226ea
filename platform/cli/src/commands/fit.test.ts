import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTube, writeObj, writeStlBinary } from '@imagestack/core';
import { encode } from 'fast-png';
import { main } from '../cli';

// Whole-mesh queries on meshes of 10⁵ triangles: seconds each on a loaded 2-core machine.
jest.setTimeout(120_000);

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env: {} }, out, err };
}

// The lumen: a solid cylinder of radius 8 mm along z, −50 … 50; devices: rods of radius 6 and 9, 40 mm.
let root: string;
let lumen: string, thin: string, wide: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'imagestack-fit-'));
  const l = generateTube({ outerDiameterMm: 16, innerDiameterMm: 0, lengthMm: 100, segments: 96 });
  for (let i = 2; i < l.positions.length; i += 3) l.positions[i] -= 50;
  writeFileSync((lumen = join(root, 'lumen.stl')), writeStlBinary(l));
  writeFileSync((thin = join(root, 'thin.obj')), writeObj(generateTube({ outerDiameterMm: 12, innerDiameterMm: 0, lengthMm: 40, segments: 64 })));
  writeFileSync((wide = join(root, 'wide.stl')), writeStlBinary(generateTube({ outerDiameterMm: 18, innerDiameterMm: 0, lengthMm: 40, segments: 64 })));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const at = (x: number, y: number, z: number) => `1,0,0,${x},0,1,0,${y},0,0,1,${z},0,0,0,1`;

test('fit --json: a rod inside the lumen has 2 mm clearance and no interference; an offset one less', async () => {
  const c = collect();
  expect(await main(['fit', '--anatomy', lumen, '--device', thin, '--transform', at(0, 0, -20), '--json'], c.io)).toBe(0);
  expect(c.err.join('')).toBe('');
  const r = JSON.parse(c.out.join(''));
  expect(Object.keys(r).slice(0, 4)).toEqual(['min_clearance_mm', 'interference_mL', 'device_inside', 'closest_point_mm']);
  expect(Math.abs(r.min_clearance_mm - 2)).toBeLessThan(0.1);
  expect(r).toMatchObject({ interference_mL: 0, device_inside: true, anatomy_closed: true, device_triangles: expect.any(Number) });
  expect(r.closest_point_mm).toHaveLength(3);
  const o = collect();
  expect(await main(['fit', '--anatomy', lumen, '--device', thin, `--transform=${at(1.5, 0, -20)}`, '--json'], o.io)).toBe(0);
  expect(Math.abs(JSON.parse(o.out.join('')).min_clearance_mm - 0.5)).toBeLessThan(0.1);
});

test('fit: a wider device interferes by π(R²−r²)L within 2 %; human output says so', async () => {
  const c = collect();
  expect(await main(['fit', '--anatomy', lumen, '--device', wide, '--transform', at(0, 0, -20), '--json'], c.io)).toBe(0);
  const r = JSON.parse(c.out.join(''));
  expect(r.device_inside).toBe(false);
  expect(Math.abs(r.interference_mL / ((Math.PI * 17 * 40) / 1000) - 1)).toBeLessThan(0.02);
  const h = collect();
  expect(await main(['fit', '--anatomy', lumen, '--device', wide, '--transform', at(0, 0, -20)], h.io)).toBe(0);
  expect(h.out.join('')).toMatch(/^wide\.stl in lumen\.stl: INTERFERES: \d+\.\d mm³ \(2\.\d+ mL\) outside the lumen, deepest 1\.\d\d mm/);
});

test('fit --anatomy slices: thresholds and meshes as `mesh` does, interference slices from the geometry', async () => {
  // 60 slices of 40×40 PNG, 1 mm voxels: a bore of radius 8 mm (value 0) along z in tissue (100),
  // from slice 2 to 57 (z 1.5 … 57.5 mm once meshed). The 40 mm rod goes from z 10 to 50.
  const slices = join(root, 'slices');
  mkdirSync(slices);
  for (let k = 0; k < 60; k++) {
    const data = new Uint8Array(40 * 40);
    for (let j = 0; j < 40; j++) for (let i = 0; i < 40; i++) data[i + 40 * j] = (i - 20) ** 2 + (j - 20) ** 2 <= 64 && k > 1 && k < 58 ? 0 : 100;
    writeFileSync(join(slices, `s${String(k).padStart(2, '0')}.png`), encode({ width: 40, height: 40, data, channels: 1, depth: 8 }));
  }
  const args = ['--anatomy', slices, '--spacing', '1', '--slice-spacing', '1', '--threshold', '0:50', '--device'];
  const c = collect();
  expect(await main(['fit', ...args, thin, '--transform', at(20, 20, 10), '--json'], c.io)).toBe(0);
  expect(c.err.join('')).toBe('');
  const r = JSON.parse(c.out.join(''));
  expect(r.device_inside).toBe(true);
  expect(r.min_clearance_mm).toBeGreaterThan(1);
  expect(r.min_clearance_mm).toBeLessThan(2.6);
  const w = collect();
  expect(await main(['fit', ...args, thin, '--transform', at(23, 20, 10), '--json'], w.io)).toBe(0);
  const s = JSON.parse(w.out.join(''));
  expect(s.device_inside).toBe(false);
  // Pushed 3 mm sideways, its whole length presses into the wall: slices 10 … 50.
  expect(s.interference_slices).toEqual([10, 50]);
});

test('fit: bad input exits non-zero with one line naming the file or flag', async () => {
  const junk = join(root, 'junk.stl');
  writeFileSync(junk, 'not a mesh at all, but long enough to be more than eighty-four bytes of text for the binary check to apply');
  const cases: [string[], RegExp, number][] = [
    [['--anatomy', lumen], /--device <stl\|obj> is required/, 2],
    [['--device', thin], /--anatomy .* is required/, 2],
    [['--anatomy', join(root, 'missing.stl'), '--device', thin], /missing\.stl: cannot read \(ENOENT\)/, 1],
    [['--anatomy', lumen, '--device', junk], /junk\.stl: not a complete STL/, 1],
    [['--anatomy', lumen, '--device', thin, '--transform', '1,2,3'], /--transform: a transform is 16 comma-separated numbers/, 2],
    [['--anatomy', lumen, '--device', thin, '--transform', '2,0,0,0,0,2,0,0,0,0,2,0,0,0,0,1'], /--transform: transform must be a rotation and a translation/, 2],
    [['--anatomy', lumen, '--threshold', '0', '--device', thin], /--threshold applies to slices/, 2],
  ];
  for (const [args, re, code] of cases) {
    const c = collect();
    expect(await main(['fit', ...args], c.io)).toBe(code);
    expect(c.err.join('').split('\n')[0]).toMatch(re);
  }
});
