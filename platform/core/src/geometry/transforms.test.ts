import { checkCrop, cropGeometry } from './crop';
import { checkDownsample, downsampledLength, downsampleGeometry } from './downsample';
import { ORIENTATION_PRESETS } from './orientation';
import { indexToPatient, slicePositionMm } from './positions';
import { deriveStackGeometry } from './stackGeometry';
import type { Point3, StackGeometry } from './types';

// Non-square pixels and a non-zero origin, as every geometry test here must use.
const axial: StackGeometry = {
  pixelSpacingXMm: 0.5,
  pixelSpacingYMm: 0.8,
  sliceSpacingMm: 1.25,
  originMm: [-10, 20, 30],
  orientation: [...ORIENTATION_PRESETS.axial],
};
const coronal: StackGeometry = { ...axial, orientation: [...ORIENTATION_PRESETS.coronal] };

function expectPoint(actual: Point3, expected: Point3) {
  for (let i = 0; i < 3; i++) expect(actual[i]).toBeCloseTo(expected[i], 10);
}

describe('crop', () => {
  test('moves the origin x columns along the row and y rows down the column, axial', () => {
    const g = cropGeometry(axial, { x: 10, y: 4, width: 5, height: 5 });
    expectPoint(g.originMm, [-10 + 10 * 0.5, 20 + 4 * 0.8, 30]);
    expect([g.pixelSpacingXMm, g.pixelSpacingYMm, g.sliceSpacingMm]).toEqual([0.5, 0.8, 1.25]);
  });

  test('coronal: rows run along +x, columns along −z', () => {
    const g = cropGeometry(coronal, { x: 10, y: 4, width: 5, height: 5 });
    expectPoint(g.originMm, [-10 + 5, 20, 30 - 4 * 0.8]);
  });

  test('the cropped voxel (0,0,k) is the original voxel (x,y,k)', () => {
    const g = cropGeometry(coronal, { x: 7, y: 3, width: 2, height: 2 });
    expectPoint(indexToPatient(g, [0, 0, 5]), indexToPatient(coronal, [7, 3, 5]));
    expectPoint(indexToPatient(g, [1, 1, 2]), indexToPatient(coronal, [8, 4, 2]));
  });

  test.each([
    [{ x: -1, y: 0, width: 4, height: 4 }, /x,y ≥ 0/],
    [{ x: 0, y: 0, width: 0, height: 4 }, /width,height ≥ 1/],
    [{ x: 0.5, y: 0, width: 4, height: 4 }, /whole pixels/],
    [{ x: 8, y: 0, width: 4, height: 4 }, /reaches past the 10×6 slices \(it ends at column 12/],
    [{ x: 0, y: 3, width: 4, height: 4 }, /ends at column 4, row 7/],
  ])('refuses %p on 10×6 slices', (crop, message) => {
    expect(() => checkCrop(crop, 10, 6)).toThrow(message);
  });

  test('accepts a crop that touches the far edges', () => {
    expect(checkCrop({ x: 6, y: 2, width: 4, height: 4 }, 10, 6)).toEqual({ x: 6, y: 2, width: 4, height: 4 });
  });
});

describe('downsample', () => {
  test('by 2: spacing doubles in-plane only, origin moves half a pixel along each in-plane axis', () => {
    const g = downsampleGeometry(axial, 2);
    expect([g.pixelSpacingXMm, g.pixelSpacingYMm, g.sliceSpacingMm]).toEqual([1, 1.6, 1.25]);
    expectPoint(g.originMm, [-10 + 0.25, 20 + 0.4, 30]);
  });

  test('by 4 coronal: the output voxel centre is the centre of its 4×4 block', () => {
    const g = downsampleGeometry(coronal, 4);
    // output pixel (i, j) averages original pixels 4i..4i+3, 4j..4j+3: centre at 4i+1.5, 4j+1.5
    expectPoint(indexToPatient(g, [2, 3, 7]), indexToPatient(coronal, [4 * 2 + 1.5, 4 * 3 + 1.5, 7]));
  });

  test('by 1 changes nothing', () => {
    expect(downsampleGeometry(axial, 1)).toBe(axial);
  });

  test('drops partial blocks at the edges', () => {
    expect(downsampledLength(1081, 2)).toBe(540);
    expect(downsampledLength(1080, 4)).toBe(270);
  });

  test.each([0, 3, 8, 1.5, Number.NaN])('refuses factor %p', f => {
    expect(() => checkDownsample(f)).toThrow(/downsample must be 1, 2 or 4/);
  });
});

describe('deriveStackGeometry', () => {
  test('crops in original pixels first, then downsamples', () => {
    const g = deriveStackGeometry(coronal, { crop: { x: 8, y: 4, width: 40, height: 20 }, downsample: 2 });
    expect([g.pixelSpacingXMm, g.pixelSpacingYMm]).toEqual([1, 1.6]);
    // output (0,0,k): the mean of original pixels 8..9 × 4..5, centre (8.5, 4.5)
    expectPoint(indexToPatient(g, [0, 0, 3]), indexToPatient(coronal, [8.5, 4.5, 3]));
    expectPoint(indexToPatient(g, [5, 2, 1]), indexToPatient(coronal, [8 + 10 + 0.5, 4 + 4 + 0.5, 1]));
  });

  test('reverse changes no number: slice 0 of the reversed stack sits at the origin', () => {
    const forward = deriveStackGeometry(axial, { crop: { x: 2, y: 2, width: 4, height: 4 } });
    const reversed = deriveStackGeometry(axial, { crop: { x: 2, y: 2, width: 4, height: 4 }, reverse: true });
    expect(reversed).toEqual(forward);
    expectPoint(slicePositionMm(reversed, 0), [-9, 21.6, 30]);
    expectPoint(slicePositionMm(reversed, 2), [-9, 21.6, 32.5]);
  });

  test('checks the user geometry first', () => {
    expect(() => deriveStackGeometry({ ...axial, pixelSpacingYMm: 0 })).toThrow(/pixel spacing y must be greater than 0/);
  });
});
