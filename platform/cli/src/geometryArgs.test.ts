import { parseGeometryArgs } from './geometryArgs';
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
