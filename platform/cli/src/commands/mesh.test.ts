import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExportRecords, makeHeadPhantom, part10Files, PHANTOM_AIR_RANGE, PHANTOM_ANATOMY } from '@imagestack/core';
import { encode } from 'fast-png';
import { main } from '../cli';

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env: {} }, out, err };
}

// 24 slices of 32×28 grey PNG: a ball of radius 8 voxels (value 200) centred at (14, 12, 11)
// and a small separate blob (value 200, 2×2×2 voxels) in a corner.
let root: string;
let slices: string;
// The sample as a DICOM series at a quarter of its voxels (1.8 × 1.6 × 2.6 mm): its skull, its
// airway apart from the outside air, two sinuses.
const phantom = makeHeadPhantom({ columns: 96, rows: 120, slices: 75 });
let dicom: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'imagestack-mesh-'));
  dicom = join(root, 'dicom');
  mkdirSync(dicom);
  for (const f of part10Files(phantom.stack, buildExportRecords(phantom.stack, phantom.geometry, { identity: { description: 'sample' } }))) writeFileSync(join(dicom, f.fileName), f.bytes);
  slices = join(root, 'slices');
  mkdirSync(slices);
  for (let k = 0; k < 24; k++) {
    const data = new Uint8Array(32 * 28);
    for (let j = 0; j < 28; j++)
      for (let i = 0; i < 32; i++) {
        const inBall = (i - 14) ** 2 + (j - 12) ** 2 + (k - 11) ** 2 <= 64;
        const inBlob = i >= 28 && i < 30 && j >= 24 && j < 26 && k >= 20 && k < 22;
        data[i + 32 * j] = inBall || inBlob ? 200 : 30;
      }
    writeFileSync(join(slices, `slice${k + 1}.png`), encode({ width: 32, height: 28, data, channels: 1, depth: 8 }));
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GEOMETRY = ['--spacing', '0.5,0.75', '--slice-spacing', '1.5', '--origin', '-10,20,30'];

test('mesh --json: closed model with the DESIGN.md stats; binary STL of 84 + 50·n bytes and a sidecar', async () => {
  const c = collect();
  const stl = join(root, 'ball.stl');
  expect(await main(['mesh', slices, ...GEOMETRY, '--threshold', '100:255', '--stl', stl, '--largest-island', '--json'], c.io)).toBe(0);
  expect(c.err.join('')).toBe('');
  const r = JSON.parse(c.out.join(''));
  expect(r).toMatchObject({ watertight: true, oriented: true, parts: 1 });
  expect(Object.keys(r).slice(0, 9)).toEqual(['triangles', 'volume_mL', 'area_mm2', 'bbox_mm', 'watertight', 'oriented', 'parts', 'solids', 'cavities']);
  // A ball of 8 voxels: x 0.5 mm, y 0.75 mm, z 1.5 mm → an ellipsoid of semi-axes 4, 6, 12 mm.
  expect(Math.abs(r.volume_mL / ((4 / 3) * Math.PI * 4 * 6 * 12 / 1000) - 1)).toBeLessThan(0.06);
  const [x0, y0, z0, x1, y1, z1] = r.bbox_mm;
  expect(Math.abs((x0 + x1) / 2 - (-10 + 14 * 0.5))).toBeLessThan(0.5);
  expect(Math.abs((y0 + y1) / 2 - (20 + 12 * 0.75))).toBeLessThan(0.75);
  expect(Math.abs((z0 + z1) / 2 - (30 + 11 * 1.5))).toBeLessThan(1.5);
  const bytes = readFileSync(stl);
  expect(bytes.length).toBe(84 + 50 * r.triangles);
  expect(bytes.readUInt32LE(80)).toBe(r.triangles);
  expect(bytes.toString('latin1', 0, 40)).toContain('units mm; frame LPS');
  const sidecar = JSON.parse(readFileSync(`${stl}.json`, 'utf8'));
  expect(sidecar).toMatchObject({ units: 'mm', frame: 'LPS', threshold: [100, 255], dims: [32, 28, 24], geometry: { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.75, sliceSpacingMm: 1.5 } });
  expect(sidecar.operations.map((o: { op: string }) => o.op)).toEqual(['largestIsland', 'extract']);
  expect(sidecar.operations[0]).toMatchObject({ connectivity: 6, range: [100, 255] });
  expect(sidecar.operations[0].volumeAfter_mL).toBeGreaterThan(0);
  expect(sidecar.stats.triangles).toBe(r.triangles);
  expect(readdirSync(root).filter(n => n.includes('partial'))).toEqual([]);
});

test('without --largest-island the blob is a second part; RAS, smoothing, decimation and ASCII', async () => {
  const c = collect();
  const stl = join(root, 'both.stl');
  expect(await main(['mesh', slices, ...GEOMETRY, '--threshold', '100', '--stl', stl, '--frame', 'RAS', '--smooth', '10', '--decimate', '0.5', '--ascii', '--json'], c.io)).toBe(0);
  const r = JSON.parse(c.out.join(''));
  expect(r).toMatchObject({ watertight: true, oriented: true, parts: 2 });
  // RAS: x and y negated.
  expect(r.bbox_mm[3]).toBeLessThan(10 - 0);
  expect(r.bbox_mm[4]).toBeLessThan(-20 + 0.75);
  const text = readFileSync(stl, 'utf8');
  expect(text.startsWith('solid both ImageStack surface; units mm; frame RAS\n')).toBe(true);
  expect(text.match(/^facet normal/gm)!.length).toBe(r.triangles);
  const ops = JSON.parse(readFileSync(`${stl}.json`, 'utf8')).operations.map((o: { op: string }) => o.op);
  expect(ops).toEqual(['extract', 'smooth', 'decimate']);
});

test('human output; errors: missing spacing, bad threshold, empty range, no partial file', async () => {
  const ok = collect();
  expect(await main(['mesh', slices, ...GEOMETRY, '--threshold', '100:255', '--stl', join(root, 'h.stl')], ok.io)).toBe(0);
  expect(ok.out.join('')).toMatch(/^wrote .*h\.stl \(binary STL, mm, LPS\): \d+ triangles, [\d.]+ mL, .* closed and oriented\n$/);

  const noSpacing = collect();
  expect(await main(['mesh', slices, '--slice-spacing', '1', '--threshold', '1', '--stl', join(root, 'x.stl')], noSpacing.io)).toBe(2);
  expect(noSpacing.err.join('')).toMatch(/--spacing is required/);

  const bad = collect();
  expect(await main(['mesh', slices, ...GEOMETRY, '--threshold', '9:3', '--stl', join(root, 'x.stl')], bad.io)).toBe(2);
  expect(bad.err.join('')).toMatch(/--threshold: .*low is above high/);

  const empty = collect();
  expect(await main(['mesh', slices, ...GEOMETRY, '--threshold', '250:255', '--stl', join(root, 'x.stl')], empty.io)).toBe(1);
  expect(empty.err.join('')).toMatch(/^imagestack mesh: no voxel has a value in 250–255: nothing to mesh/);
  expect(readdirSync(root).filter(n => n.startsWith('x.stl') || n.includes('partial'))).toEqual([]);

  const badDecimate = collect();
  expect(await main(['mesh', slices, ...GEOMETRY, '--threshold', '1', '--stl', join(root, 'x.stl'), '--decimate', '1'], badDecimate.io)).toBe(2);
});

test('a DICOM series folder meshes with the geometry from its files (the sample skull)', async () => {
  const p = phantom;
  const c = collect();
  const stl = join(root, 'skull.stl');
  expect(await main(['mesh', dicom, '--threshold', '200:240', '--stl', stl, '--json'], c.io)).toBe(0);
  const r = JSON.parse(c.out.join(''));
  expect(r).toMatchObject({ watertight: true, oriented: true });
  expect(Math.abs(r.volume_mL / p.boneVolumeMl - 1)).toBeLessThan(0.03);
  const side = JSON.parse(readFileSync(`${stl}.json`, 'utf8'));
  expect(side.geometry.originMm).toEqual(p.geometry.originMm);
  expect(side.geometry.pixelSpacingXMm).toBeCloseTo(p.geometry.pixelSpacingXMm, 6);

  const both = collect();
  expect(await main(['mesh', dicom, '--spacing', '1', '--slice-spacing', '1', '--threshold', '200', '--stl', stl], both.io)).toBe(2);
  expect(both.err.join('')).toMatch(/leave out the GEOMETRY flags/);
});

/** `imagestack mesh` with these arguments: exit code, stdout (parsed when --json), stderr. */
async function mesh(args: string[]) {
  const c = collect();
  const code = await main(['mesh', ...args], c.io);
  const out = c.out.join('');
  return { code, out, err: c.err.join(''), json: args.includes('--json') && code === 0 ? JSON.parse(out) : undefined };
}
const sidecarOf = (stl: string) => JSON.parse(readFileSync(`${stl}.json`, 'utf8'));

test('the sample airway: threshold air, keep the island at a point inside the airway, hollow it outside', async () => {
  const stl = join(root, 'airway.stl');
  const [lo, hi] = PHANTOM_AIR_RANGE;
  const point = PHANTOM_ANATOMY.airway.pointMm.join(',');
  const r = await mesh([dicom, '--threshold', `${lo}:${hi}`, '--keep-island-at', point, '--hollow', '3', '--stl', stl, '--json']);
  expect(r.err).toBe('');
  // a tube open at the bottom of the stack: one closed surface, no cavity
  expect(r.json).toMatchObject({ watertight: true, oriented: true, parts: 1, solids: 1, cavities: 0 });
  expect(Math.abs(r.json.volume_mL / phantom.airwayShellVolumeMl(3) - 1)).toBeLessThan(0.05);
  const ops = sidecarOf(stl).operations;
  expect(ops.map((o: { op: string }) => o.op)).toEqual(['keepIslandAt', 'hollow', 'extract']);
  expect(ops[0]).toMatchObject({ pointMm: PHANTOM_ANATOMY.airway.pointMm, connectivity: 6, range: [lo, hi] });
  expect(Math.abs(ops[0].volumeAfter_mL / phantom.airwayVolumeMl - 1)).toBeLessThan(0.03);
  expect(ops[1]).toMatchObject({ op: 'hollow', mm: 3, side: 'outside', range: [1, 1] });
  expect(Math.abs(ops[1].volumeAfter_mL / phantom.airwayShellVolumeMl(3) - 1)).toBeLessThan(0.05);

  // all the air: the outside, the airway and two sinuses; removing pieces under 2 mL leaves two
  const all = await mesh([dicom, '--threshold', `${lo}:${hi}`, '--stl', join(root, 'air.stl'), '--json']);
  const big = await mesh([dicom, '--threshold', `${lo}:${hi}`, '--remove-islands-below', '2', '--stl', join(root, 'air2.stl'), '--json']);
  expect(all.json.solids - big.json.solids).toBe(2);
  const largest = await mesh([dicom, '--threshold', `${lo}:${hi}`, '--largest-island', '--stl', join(root, 'air3.stl'), '--json']);
  expect(largest.json.volume_mL).toBeGreaterThan(10 * phantom.airwayVolumeMl);
}, 120_000);

test('fill holes 3d leaves the skull (its cavity opens through the airway), 2d fills it slice by slice; human output names solids and cavities', async () => {
  const plain = await mesh([dicom, '--threshold', '200:240', '--stl', join(root, 's0.stl'), '--json']);
  const three = await mesh([dicom, '--threshold', '200:240', '--fill-holes', '--stl', join(root, 's3.stl'), '--json']);
  const two = await mesh([dicom, '--threshold', '200:240', '--fill-holes', '2d', '--stl', join(root, 's2.stl'), '--json']);
  expect(three.json.volume_mL).toBeCloseTo(plain.json.volume_mL, 6);
  expect(two.json.volume_mL).toBeGreaterThan(3 * plain.json.volume_mL);
  expect(sidecarOf(join(root, 's2.stl')).operations[0]).toMatchObject({ op: 'fillHoles', mode: '2d' });
  const human = await mesh([dicom, '--threshold', '200:240', '--fill-holes=3d', '--stl', join(root, 's4.stl')]);
  expect(human.out).toMatch(/, 1 solid\(s\), 0 cavities, closed and oriented\n$/);
}, 120_000);

test('steps run in the order given: grow then keep the island at a point, margins in mm', async () => {
  const plain = await mesh([slices, ...GEOMETRY, '--threshold', '100', '--stl', join(root, 'm0.stl'), '--json']);
  const grown = await mesh([slices, ...GEOMETRY, '--threshold', '100', '--margin', '1.5', '--stl', join(root, 'm1.stl'), '--json']);
  const shrunk = await mesh([slices, ...GEOMETRY, '--threshold', '100', '--margin=-1.5', '--stl', join(root, 'm2.stl'), '--json']);
  expect(grown.json.volume_mL).toBeGreaterThan(plain.json.volume_mL);
  expect(shrunk.json.volume_mL).toBeLessThan(plain.json.volume_mL);
  expect(shrunk.json.parts).toBe(1); // the 1 mm blob shrinks away
  // the blob at voxel (28.5, 24.5, 20.5): -10 + 28.5·0.5, 20 + 24.5·0.75, 30 + 20.5·1.5
  const blob = '4.25,38.4,60.75';
  const kept = await mesh([slices, ...GEOMETRY, '--threshold', '100', '--keep-island-at', blob, '--stl', join(root, 'm3.stl'), '--json']);
  expect(kept.json.parts).toBe(1);
  expect(kept.json.volume_mL).toBeLessThan(0.01);
  const removed = await mesh([slices, ...GEOMETRY, '--threshold', '100', '--remove-islands-below', '0.01', '--stl', join(root, 'm4.stl'), '--json']);
  expect(removed.json.parts).toBe(1);
  expect(removed.json.volume_mL).toBeGreaterThan(0.5);
  // removing first, the point is no longer in the segment
  const gone = await mesh([slices, ...GEOMETRY, '--threshold', '100', '--remove-islands-below', '0.01', '--keep-island-at', blob, '--stl', join(root, 'm5.stl')]);
  expect(gone.code).toBe(1);
  expect(gone.err).toBe('imagestack mesh: --keep-island-at: the point 4.3,38.4,60.8 mm is not in the segment (value 0)\n');
  const ops = sidecarOf(join(root, 'm1.stl')).operations;
  expect(ops[0]).toMatchObject({ op: 'margin', mm: 1.5, range: [100, null] });
}, 120_000);

test('each refine flag refuses a bad value in one line', async () => {
  const base = [slices, ...GEOMETRY, '--threshold', '100', '--stl', join(root, 'bad.stl')];
  const usage: Array<[string[], RegExp]> = [
    [['--keep-island-at', '1,2'], /--keep-island-at takes an LPS point in mm as x,y,z, e.g. 0,-45,-40, got "1,2"/],
    [['--keep-island-at', 'a,b,c'], /--keep-island-at takes an LPS point/],
    [['--keep-island-at'], /--keep-island-at needs a value/],
    [['--remove-islands-below', '-1'], /--remove-islands-below takes a volume in mL ≥ 0, e.g. 0.5, got "-1"/],
    [['--remove-islands-below', '2mL'], /--remove-islands-below takes a volume in mL/],
    [['--fill-holes=4d'], /--fill-holes takes 3d \(default\) or 2d, got "4d"/],
    [['--margin', '0'], /--margin takes a non-zero number of mm \(negative shrinks\), e.g. 2 or -1.5, got "0"/],
    [['--margin', 'big'], /--margin takes a non-zero number/],
    [['--hollow', '0'], /--hollow takes a wall thickness in mm > 0/],
    [['--hollow', '-2'], /--hollow takes a wall thickness in mm > 0/],
    [['--hollow', '2:middle'], /--hollow: the side must be outside, inside or centre, got "middle"/],
  ];
  for (const [flags, message] of usage) {
    const r = await mesh([...base, ...flags]);
    expect([flags, r.code]).toEqual([flags, 2]);
    expect(r.err.split('\n')[0]).toMatch(message);
  }
  // values that depend on the volume: exit 1, one line naming the flag
  const data: Array<[string[], string]> = [
    [['--keep-island-at', '500,0,0'], '--keep-island-at: the point 500.0,0.0,0.0 mm is outside the volume, which spans x -10.3 to 5.8, y 19.6 to 40.6, z 29.3 to 65.3 mm (LPS)'],
    [['--keep-island-at', '-10,20,30'], '--keep-island-at: the point -10.0,20.0,30.0 mm is not in the segment (value 30; the segment is 100 and above)'],
    [['--hollow', '1'], '--hollow: a wall of 1 mm is thinner than the 1.5 mm voxel spacing: it would have holes'],
  ];
  for (const [flags, message] of data) {
    const r = await mesh([...base, ...flags]);
    expect([flags, r.code, r.err]).toEqual([flags, 1, `imagestack mesh: ${message}\n`]);
  }
  expect(readdirSync(root).filter(n => n.startsWith('bad.stl'))).toEqual([]);
});

test('the usage text lists every refine flag', async () => {
  const r = await mesh(['--help']);
  for (const flag of ['--keep-island-at x,y,z', '--largest-island', '--remove-islands-below <mL>', '--fill-holes [3d|2d]', '--margin <mm>', '--hollow <mm>[:side]']) expect(r.out).toContain(flag);
});
