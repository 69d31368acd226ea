import { checkGeometry, indexToPatient, pixelSpacingTag, slicePositionMm } from './positions';
import { ORIENTATION_PRESETS } from './orientation';
import type { StackGeometry } from './types';

// Non-square pixels and a non-zero origin, as every geometry test here must use.
const g: StackGeometry = {
  pixelSpacingXMm: 0.5,
  pixelSpacingYMm: 0.8,
  sliceSpacingMm: 1.25,
  originMm: [-10, 20, 30],
  orientation: [...ORIENTATION_PRESETS.axial],
};

test('PixelSpacing is row spacing then column spacing (y\\x)', () => {
  expect(pixelSpacingTag(g)).toEqual([0.8, 0.5]);
});

test('slice k lies k slice spacings along the normal from the origin', () => {
  expect(slicePositionMm(g, 0)).toEqual([-10, 20, 30]);
  const p = slicePositionMm(g, 4);
  expect(p[0]).toBeCloseTo(-10, 12);
  expect(p[1]).toBeCloseTo(20, 12);
  expect(p[2]).toBeCloseTo(35, 12);
});

test('coronal slices advance along the normal row × column = +y (posterior)', () => {
  // coronal: rows go along +x (L), columns go down -z (towards feet); normal = x × (-z) = +y
  const c = { ...g, orientation: [...ORIENTATION_PRESETS.coronal] as StackGeometry['orientation'] };
  expect(slicePositionMm(c, 2)).toEqual([-10, 22.5, 30]);
});

test('a voxel index maps through x spacing on columns and y spacing on rows', () => {
  expect(indexToPatient(g, [10, 0, 0])).toEqual([-5, 20, 30]);
  expect(indexToPatient(g, [0, 10, 0])).toEqual([-10, 28, 30]);
  expect(indexToPatient(g, [2, 3, 4])).toEqual([-9, 22.4, 35]);
});

test.each([
  ['pixelSpacingXMm', 0, /pixel spacing x must be greater than 0/],
  ['pixelSpacingYMm', -1, /pixel spacing y must be greater than 0/],
  ['sliceSpacingMm', Number.NaN, /slice spacing must be a number/],
  ['sliceSpacingMm', undefined, /slice spacing is not given/],
  ['sliceSpacingMm', 150, /over 100 mm/],
])('refuses %s = %p', (key, value, message) => {
  expect(() => checkGeometry({ ...g, [key]: value } as StackGeometry)).toThrow(message);
});

test('refuses skewed direction cosines', () => {
  expect(() => checkGeometry({ ...g, orientation: [1, 0, 0, 0.1, 1, 0] })).toThrow(/not orthonormal/);
});
