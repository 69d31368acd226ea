import type { StackPlan } from '@imagestack/core';
import { assembledGeometry, GEOMETRY_USAGE, parseGeometryArgs, stackReadOptions } from './geometryArgs';
import { UsageError } from './io';

test('parses every GEOMETRY flag and leaves the rest in order', () => {
  const { geometry, rest } = parseGeometryArgs([
    'in/',
    '--spacing',
    '0.5,0.8',
    '--slice-spacing=1.25',
    '--origin',
    '-10,20,30',
    '--orientation',
    'coronal',
    '--reverse',
    '--crop',
    '10,20,300,200',
    '--downsample',
    '2',
    '--out',
    'x',
  ]);
  expect(rest).toEqual(['in/', '--out', 'x']);
  expect(geometry).toEqual({
    geometry: { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.8, sliceSpacingMm: 1.25, originMm: [-10, 20, 30], orientation: [1, 0, 0, 0, 0, -1] },
    reverse: true,
    crop: { x: 10, y: 20, width: 300, height: 200 },
    downsample: 2,
  });
});

test('defaults: square pixels from one value, origin 0, axial, no crop, no downsample, forward order', () => {
  const { geometry } = parseGeometryArgs(['--spacing', '0.3', '--slice-spacing', '0.6']);
  expect(geometry).toEqual({
    geometry: { pixelSpacingXMm: 0.3, pixelSpacingYMm: 0.3, sliceSpacingMm: 0.6, originMm: [0, 0, 0], orientation: [1, 0, 0, 0, 1, 0] },
    reverse: false,
    crop: undefined,
    downsample: 1,
  });
  expect(parseGeometryArgs(['--orientation', '0,1,0,0,0,-1', '--spacing', '1', '--slice-spacing', '1']).geometry.geometry.orientation).toEqual([
    0, 1, 0, 0, 0, -1,
  ]);
});

test('there is no default spacing', () => {
  expect(() => parseGeometryArgs(['in/', '--slice-spacing', '1'])).toThrow(UsageError);
  expect(() => parseGeometryArgs(['in/', '--slice-spacing', '1'])).toThrow(/--spacing is required.*no default/);
  expect(() => parseGeometryArgs(['--spacing', '1'])).toThrow(/--slice-spacing is required/);
  expect(() => parseGeometryArgs([])).toThrow(/--spacing is required/);
});

test('optional geometry (DICOM input) is undefined only when no geometry flag is given', () => {
  expect(parseGeometryArgs(['dicom/'], { optional: true })).toEqual({ rest: ['dicom/'] });
  expect(() => parseGeometryArgs(['dicom/', '--reverse'], { optional: true })).toThrow(/--spacing is required/);
});

test.each([
  [['--spacing', '0', '--slice-spacing', '1'], /--spacing: pixel spacing x must be greater than 0 mm/],
  [['--spacing', '0.5,abc', '--slice-spacing', '1'], /--spacing: pixel spacing needs 1 or 2/],
  [['--spacing', '0.5', '--slice-spacing', '250'], /--slice-spacing: slice spacing of 250 mm is over 100 mm/],
  [['--spacing', '0.5', '--slice-spacing', 'NaN'], /--slice-spacing: slice spacing needs 1/],
  [['--spacing', '0.5', '--slice-spacing', '1', '--orientation', '1,0,0,1,0,0'], /--orientation: orientation .* is not orthonormal/],
  [['--spacing', '0.5', '--slice-spacing', '1', '--downsample', '3'], /--downsample: downsample must be 1, 2 or 4/],
  [['--spacing', '0.5', '--slice-spacing', '1', '--crop', '1,2,3'], /--crop: crop needs 4/],
  [['--spacing', '0.5', '--slice-spacing', '1', '--origin', '1,2'], /--origin: origin needs 3/],
  [['--spacing', '0.5', '--slice-spacing'], /--slice-spacing needs a value/],
  [['--spacing', '--slice-spacing', '1'], /--spacing needs a value/],
  [['--spacing', '1', '--spacing', '2', '--slice-spacing', '1'], /--spacing is given twice/],
  [['--reverse=yes'], /--reverse takes no value/],
])('refuses %p', (argv, message) => {
  expect(() => parseGeometryArgs(argv)).toThrow(message);
});

describe('--flip, --rotate and --gaps', () => {
  const base = ['--spacing', '0.5,0.8', '--slice-spacing', '1'];

  test('parse into the orientation and the gap policy; absent means not given', () => {
    const { geometry } = parseGeometryArgs([...base, '--flip', 'rows', '--rotate=270', '--gaps', 'fill']);
    expect(geometry.orient).toEqual({ flip: 'rows', rotate: 270 });
    expect(geometry.gapPolicy).toBe('fill');
    expect(parseGeometryArgs([...base, '--rotate', '90']).geometry.orient).toEqual({ flip: 'none', rotate: 90 });
    expect(parseGeometryArgs([...base, '--flip', 'both']).geometry.orient).toEqual({ flip: 'both', rotate: 0 });
    expect(parseGeometryArgs([...base, '--gaps', 'continuous']).geometry.gapPolicy).toBe('continuous');
    const plain = parseGeometryArgs(base).geometry;
    expect(plain.orient).toBeUndefined();
    expect(plain.gapPolicy).toBeUndefined();
  });

  test.each([
    [['--flip', 'horizontal'], /--flip: flip must be rows \(upside down\), columns \(left ↔ right\) or both, got "horizontal"/],
    [['--flip', 'none'], /--flip: flip must be rows/],
    [['--flip'], /--flip needs a value/],
    [['--flip', 'rows', '--flip', 'columns'], /--flip is given twice/],
    [['--rotate', '45'], /--rotate: rotate must be 90, 180 or 270 \(degrees clockwise\), got "45"/],
    [['--rotate', '-90'], /--rotate: rotate must be 90, 180 or 270/],
    [['--rotate', '360'], /--rotate: rotate must be 90, 180 or 270/],
    [['--rotate', 'cw'], /--rotate: rotate must be 90, 180 or 270/],
    [['--rotate'], /--rotate needs a value/],
    [['--gaps', 'squeeze'], /--gaps must be fill .* or continuous, got "squeeze"/],
    [['--gaps'], /--gaps needs a value/],
  ])('refuses %p', (extra, message) => {
    expect(() => parseGeometryArgs([...base, ...extra])).toThrow(message);
  });

  test('the usage text documents them', () => {
    expect(GEOMETRY_USAGE).toMatch(/\[--flip rows\|columns\|both\]/);
    expect(GEOMETRY_USAGE).toMatch(/\[--rotate 90\|180\|270\]/);
    expect(GEOMETRY_USAGE).toMatch(/\[--gaps fill\|continuous\]/);
    expect(GEOMETRY_USAGE).toMatch(/MIRRORS/);
  });

  test('a gapped plan without --gaps stops with one line: the missing numbers and the flag', () => {
    const opts = stackReadOptions(parseGeometryArgs(base).geometry);
    const plan = { gaps: [{ after: 'a2.bmp', before: 'a5.bmp', missing: [3, 4], missingCount: 2, afterNumber: 2, beforeNumber: 5, step: 1 }] } as unknown as StackPlan;
    expect(() => opts.onPlan(plan)).toThrow(
      /^slice numbers 3–4 \(2 slices\) are missing \(after a2\.bmp\): give --gaps fill to interpolate the missing slices at their numbered places, or --gaps continuous/,
    );
    expect(() => stackReadOptions(parseGeometryArgs([...base, '--gaps', 'fill']).geometry).onPlan(plan)).not.toThrow();
  });

  test('the assembled geometry follows the rotation: x and y spacing swap', () => {
    const g = parseGeometryArgs([...base, '--rotate', '90']).geometry;
    expect(assembledGeometry(g, { width: 40, height: 30 })).toMatchObject({ pixelSpacingXMm: 0.8, pixelSpacingYMm: 0.5 });
  });
});
