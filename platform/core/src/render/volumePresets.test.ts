import { makeHeadPhantom, PHANTOM_VALUES } from '../sample/headPhantom';
import { voxelHistogram } from '../dicom/window';
import {
  histogramOfValues,
  presetOpacityAt,
  STACK_PRESET_NAMES,
  stackValueClasses,
  volumePresetsFromHistogram,
  type ValueHistogram,
  type VolumeRenderingPreset,
} from './volumePresets';

/** Parses "N a b c …" and checks N is the count that follows. */
function numbers(field: string): number[] {
  const [n, ...rest] = field.split(' ').map(Number);
  expect(rest).toHaveLength(n);
  return rest;
}

/** Every preset is well formed: counts right, values increasing, colour spanning the data range. */
function checkPreset(p: VolumeRenderingPreset, min: number, max: number) {
  const o = numbers(p.scalarOpacity);
  const c = numbers(p.colorTransfer);
  const ov = o.filter((_, i) => i % 2 === 0);
  const cv = c.filter((_, i) => i % 4 === 0);
  for (const vs of [ov, cv]) for (let i = 1; i < vs.length; i++) expect(vs[i]).toBeGreaterThan(vs[i - 1]);
  expect([cv[0], cv.at(-1)]).toEqual([min, max]);
  expect([ov[0], ov.at(-1)]).toEqual([min, max]);
  for (const x of o.filter((_, i) => i % 2 === 1)) expect(x >= 0 && x <= 1).toBe(true);
  for (const x of c.filter((_, i) => i % 4 !== 0)) expect(x >= 0 && x <= 1).toBe(true);
  expect(numbers(p.gradientOpacity)).toHaveLength(4);
  for (const k of ['ambient', 'diffuse', 'specular', 'specularPower'] as const) expect(Number.isFinite(Number(p[k]))).toBe(true);
}

/** Three classes of `n` voxels each at the given values, in a histogram over [min, max] with one bin per value. */
function threeClasses(values: [number, number, number], counts: [number, number, number], min: number, max: number): ValueHistogram {
  const h = new Float64Array(max - min + 1);
  values.forEach((v, i) => (h[v - min] += counts[i]));
  return { counts: h, min, max };
}

describe('8-bit: the sample phantom (air 0, soft tissue 90, bone 220, ruler 255)', () => {
  const { stack } = makeHeadPhantom({ columns: 64, rows: 80, slices: 50 });
  const r = volumePresetsFromHistogram({ counts: voxelHistogram(stack.voxels), min: 0, max: 255 });

  test('two Otsu splits fall between the materials', () => {
    const c = r.classes;
    expect(c.min).toBe(0);
    expect(c.max).toBe(255);
    expect(c.airTissue).toBeGreaterThan(PHANTOM_VALUES.air);
    expect(c.airTissue).toBeLessThan(PHANTOM_VALUES.softTissue);
    expect(c.tissueBone).toBeGreaterThan(PHANTOM_VALUES.softTissue);
    expect(c.tissueBone).toBeLessThan(PHANTOM_VALUES.bone);
    expect(c.boneFraction).toBeGreaterThan(0.02);
  });

  test('bone: clear at soft tissue, opaque at bone; the default for a stack with bone', () => {
    const bone = r.presets.find(p => p.name === STACK_PRESET_NAMES.bone)!;
    checkPreset(bone, 0, 255);
    expect(presetOpacityAt(bone, PHANTOM_VALUES.air)).toBe(0);
    expect(presetOpacityAt(bone, PHANTOM_VALUES.softTissue)).toBe(0);
    expect(presetOpacityAt(bone, PHANTOM_VALUES.bone)).toBeGreaterThan(0.85);
    expect(r.defaultPreset).toBe(STACK_PRESET_NAMES.bone);
  });

  test('soft tissue: faint tissue, opaque bone, clear air', () => {
    const soft = r.presets.find(p => p.name === STACK_PRESET_NAMES.softTissue)!;
    checkPreset(soft, 0, 255);
    expect(presetOpacityAt(soft, PHANTOM_VALUES.air)).toBe(0);
    const tissue = presetOpacityAt(soft, PHANTOM_VALUES.softTissue);
    expect(tissue).toBeGreaterThan(0.05);
    expect(tissue).toBeLessThan(0.2);
    expect(presetOpacityAt(soft, PHANTOM_VALUES.bone)).toBeGreaterThan(0.6);
  });

  test('air as an inverse: air shown, tissue and bone clear', () => {
    const air = r.presets.find(p => p.name === STACK_PRESET_NAMES.air)!;
    checkPreset(air, 0, 255);
    expect(presetOpacityAt(air, PHANTOM_VALUES.air)).toBeGreaterThan(0.1);
    expect(presetOpacityAt(air, PHANTOM_VALUES.softTissue)).toBe(0);
    expect(presetOpacityAt(air, PHANTOM_VALUES.bone)).toBe(0);
  });

  test('names fit the 11 characters OHIF\'s menu shows, and differ from its own', () => {
    for (const p of r.presets) expect(p.name.length).toBeLessThanOrEqual(11);
    expect(new Set(r.presets.map(p => p.name)).size).toBe(3);
    expect(r.presets.map(p => p.name)).not.toContain('CT-Bone');
  });
});

test('16-bit: the same derivation on the used part of a 65536-bin histogram', () => {
  const h = new Float64Array(65536);
  h[100] = 5e5; // air
  h[1100] = 4e5; // soft tissue
  h[2500] = 6e4; // bone
  const r = volumePresetsFromHistogram({ counts: h, min: 0, max: 65535 });
  expect([r.classes.min, r.classes.max]).toEqual([100, 2500]);
  expect(r.classes.airTissue).toBeGreaterThan(100);
  expect(r.classes.airTissue).toBeLessThan(1100);
  expect(r.classes.tissueBone).toBeGreaterThan(1100);
  expect(r.classes.tissueBone).toBeLessThan(2500);
  for (const p of r.presets) checkPreset(p, 100, 2500);
  const [bone, soft, air] = r.presets;
  expect(presetOpacityAt(bone, 2500)).toBeGreaterThan(0.85);
  expect(presetOpacityAt(bone, 1100)).toBe(0);
  expect(presetOpacityAt(soft, 1100)).toBeGreaterThan(0.05);
  expect(presetOpacityAt(air, 100)).toBeGreaterThan(0.1);
  expect(presetOpacityAt(air, 1100)).toBe(0);
  expect(r.defaultPreset).toBe(STACK_PRESET_NAMES.bone);
});

test('float: a histogram of HU-like values (air −1000, tissue 40, bone 1200)', () => {
  const values = new Float32Array(30000);
  for (let i = 0; i < values.length; i++) values[i] = i % 10 < 5 ? -1000 + (i % 7) : i % 10 < 9 ? 40 + (i % 5) : 1200 + (i % 11);
  const h = histogramOfValues(values, 1024);
  expect([h.min, h.max]).toEqual([-1000, 1210]);
  const r = volumePresetsFromHistogram(h);
  expect(r.classes.airTissue).toBeGreaterThan(-990);
  expect(r.classes.airTissue).toBeLessThan(40);
  expect(r.classes.tissueBone).toBeGreaterThan(45);
  expect(r.classes.tissueBone).toBeLessThan(1200);
  for (const p of r.presets) checkPreset(p, r.classes.min, r.classes.max);
  expect(presetOpacityAt(r.presets[0], 1205)).toBeGreaterThan(0.85);
  expect(presetOpacityAt(r.presets[0], 42)).toBe(0);
});

test('no bright class worth the name (a few annotation pixels): soft tissue is the default', () => {
  const r = volumePresetsFromHistogram(threeClasses([0, 90, 255], [5e5, 5e5, 100], 0, 255));
  expect(r.classes.boneFraction).toBeLessThan(0.005);
  expect(r.defaultPreset).toBe(STACK_PRESET_NAMES.softTissue);
});

test('degenerate stacks still give valid presets: two values, one value', () => {
  const two = volumePresetsFromHistogram(threeClasses([10, 10, 200], [100, 0, 100], 0, 255));
  for (const p of two.presets) checkPreset(p, 10, 200);
  const one = volumePresetsFromHistogram(threeClasses([7, 7, 7], [10, 0, 0], 0, 255));
  for (const p of one.presets) checkPreset(p, 7, 8);
  expect(() => stackValueClasses({ counts: new Float64Array(256), min: 0, max: 255 })).toThrow(/empty/);
  expect(() => histogramOfValues([])).toThrow(/no finite values/);
});
