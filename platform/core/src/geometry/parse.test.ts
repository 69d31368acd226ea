import { parseCrop, parseDownsample, parseNumbers, parseOrigin, parsePointMm, parsePixelSpacing, parseSliceSpacing } from './parse';
import { parseOrientation } from './orientation';

test('pixel spacing is x then y; one value means square pixels', () => {
  expect(parsePixelSpacing('0.5,0.8')).toEqual({ pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.8 });
  expect(parsePixelSpacing('0.3')).toEqual({ pixelSpacingXMm: 0.3, pixelSpacingYMm: 0.3 });
  expect(parsePixelSpacing(' 0.5 , 8e-1 ')).toEqual({ pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.8 });
});

test.each([
  ['', /pixel spacing needs 1 or 2 comma-separated numbers, got ""/],
  ['0.5,0.8,1', /needs 1 or 2/],
  ['0.5mm', /needs 1 or 2/],
  ['0x10', /needs 1 or 2/],
  ['0', /pixel spacing x must be greater than 0/],
  ['0.5,-1', /pixel spacing y must be greater than 0/],
  ['150', /over 100 mm/],
])('refuses pixel spacing %p', (text, message) => {
  expect(() => parsePixelSpacing(text)).toThrow(message);
});

test('slice spacing, origin, crop, downsample', () => {
  expect(parseSliceSpacing('1.25')).toBe(1.25);
  expect(() => parseSliceSpacing('Infinity')).toThrow(/slice spacing needs 1/);
  expect(() => parseSliceSpacing('-2')).toThrow(/slice spacing must be greater than 0/);
  expect(parseOrigin('-10,20.5,+3e1')).toEqual([-10, 20.5, 30]);
  expect(() => parseOrigin('1,2')).toThrow(/origin needs 3/);
  expect(parseCrop('10,20,300,200')).toEqual({ x: 10, y: 20, width: 300, height: 200 });
  expect(() => parseCrop('10,20,300,200', 256, 256)).toThrow(/reaches past the 256×256 slices/);
  expect(parseDownsample('4')).toBe(4);
  expect(() => parseDownsample('3')).toThrow(/downsample must be 1, 2 or 4/);
  expect(parseNumbers('1\\2', [2], 'pair')).toEqual([1, 2]);
});

test('orientation presets and cosines', () => {
  expect(parseOrientation('Coronal')).toEqual([1, 0, 0, 0, 0, -1]);
  expect(parseOrientation('0,1,0,0,0,-1')).toEqual([0, 1, 0, 0, 0, -1]);
  expect(() => parseOrientation('1,0,0,1,0,0')).toThrow(/not orthonormal/);
  expect(() => parseOrientation('oblique')).toThrow(/six finite direction cosines/);
});

test('a point in LPS mm, with the field named in the error', () => {
  expect(parsePointMm('12.5, -40, 7')).toEqual([12.5, -40, 7]);
  expect(() => parsePointMm('12.5, -40')).toThrow(/the point needs 3/);
  expect(() => parsePointMm('a,b,c', '--keep-island-at')).toThrow(/--keep-island-at needs 3/);
});
