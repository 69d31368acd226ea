// Real-valued slices (32-bit float TIFF, as micro-CT reconstruction packages write them), end
// to end: probed, planned with their value range measured on a sample of slices, decoded
// through the rescale into 16-bit voxels, and the rescale kept on the stack and the report
// so DICOM export can write RescaleSlope/Intercept in the source's units.
import { ImageStackError } from '../errors';
import { planStack } from './plan';
import { blobTargets, probeTargets } from './probe';
import { readStackFromTargets } from './readSources';
import { rescaleForWindow, sampleValueRange, toVoxel, withValueRange } from './valueRange';
import { decodeSourcePage } from './decodeSlice';
import { writeRealTiff } from '../../../../tests/fixtures/images/tiffWriter';

const W = 100;
const H = 50;
/** Slice k: a ramp from −1000 + k to 3000 + k (HU-like), one NaN and one outlier. */
function sliceValues(k: number): Float32Array {
  const v = new Float32Array(W * H);
  for (let i = 0; i < v.length; i++) v[i] = -1000 + k + (4000 * i) / (v.length - 1);
  v[5] = Number.NaN;
  v[7] = 1e9; // one outlier: the percentiles ignore it, min/max show it
  return v;
}

function files(n: number) {
  return Array.from({ length: n }, (_, k) => new File([writeRealTiff(W, H, sliceValues(k))], `ct_${String(k).padStart(3, '0')}.tif`));
}

test('float TIFF slices: the plan says so, the range is measured, voxels follow the rescale', async () => {
  const { stack, report, plan } = await readStackFromTargets(blobTargets(files(7)));
  expect(plan.values).toEqual({ sampleFormat: 'float', bitDepth: 32 });
  expect(plan.bitDepth).toBe(16);
  expect(plan.details[0]).toMatch(/TIFF 32-bit float grey/);
  const range = report.valueRange!;
  expect(range.source).toBe('percentiles');
  expect(range.percentiles).toEqual([0.1, 99.9]);
  expect(range.sampled).toHaveLength(5);
  expect(range.min).toBeCloseTo(-1000, 3);
  expect(range.max).toBe(1e9);
  expect(range.nonFinite).toBe(5); // one NaN in each sampled slice
  // Nearest-rank percentiles of the sample, well inside the ramp and far below the outlier.
  expect(range.low).toBeGreaterThan(-1000);
  expect(range.low).toBeLessThan(-950);
  expect(range.high).toBeGreaterThan(2950);
  expect(range.high).toBeLessThan(3010);
  const r = stack!.rescale!;
  expect(report.rescale).toEqual(r);
  expect(r).toEqual(rescaleForWindow(range.low, range.high));
  // Every voxel is the rescaled value of its sample; NaN → 0, the outlier clamps to 65535.
  const n = W * H;
  let wrong = 0;
  for (let k = 0; k < 7; k++) {
    const v = sliceValues(k);
    for (let i = 0; i < n; i++) if (stack!.voxels[k * n + i] !== toVoxel(v[i], r)) wrong++;
  }
  expect(wrong).toBe(0);
  expect(stack!.voxels[5]).toBe(0);
  expect(stack!.voxels[7]).toBe(65535);
  // Back to real values through the rescale (what RescaleSlope/Intercept carry), within half a step.
  const i = 123;
  expect(Math.abs(stack!.voxels[3 * n + i] * r.slope + r.intercept - sliceValues(3)[i])).toBeLessThanOrEqual(r.slope / 2 + 1e-9);
});

test("the user's window replaces the measured one", async () => {
  const { stack, report } = await readStackFromTargets(blobTargets(files(3)), { valueRange: { low: -1000, high: 1000 } });
  expect(report.valueRange).toEqual({ low: -1000, high: 1000, source: 'user' });
  expect(stack!.rescale).toEqual({ slope: 2000 / 65535, intercept: -1000 });
  expect(stack!.voxels[W * H - 1]).toBe(65535); // 3000 is above the window
});

test('signed 16-bit slices too; mixing them with float slices is a mismatch naming the file', async () => {
  const ints = [0, 1].map(k => new File([writeRealTiff(W, H, Array.from({ length: W * H }, (_, i) => (i % 2000) - 1000 + k), 'int16')], `s${k}.tif`));
  const infos = await probeTargets(blobTargets(ints));
  const plan = planStack(infos);
  expect(plan.values).toEqual({ sampleFormat: 'int', bitDepth: 16 });
  const measured = await sampleValueRange(plan, s => decodeSourcePage(s.source as File, s.page, s.file));
  expect([measured.min, measured.max]).toEqual([-1000, 1000]);
  expect(withValueRange(plan, measured).rescale!.intercept).toBe(measured.low);
  const mixed = await probeTargets(blobTargets([...ints, ...files(3)]));
  expect(() => planStack(mixed)).toThrow(ImageStackError);
  expect(() => planStack(mixed)).toThrow(/s\d\.tif: is 100 × 50 16-bit signed, but the other slices are 100 × 50 32-bit float/);
});

test('a window that is not a range is refused', () => {
  expect(() => rescaleForWindow(5, 1)).toThrow(/not a range/);
  expect(() => rescaleForWindow(Number.NaN, 1)).toThrow(/not a range/);
  expect(rescaleForWindow(7, 7)).toEqual({ slope: 1, intercept: 7 });
});
