import { cornerColours, distanceColour, GREEN_AT_MM, RED_AT_MM } from './distanceColour';

test('red through the wall, yellow at it, green when clear, clamped beyond the scale', () => {
  expect(distanceColour(RED_AT_MM)).toEqual([220, 38, 38]);
  expect(distanceColour(-10)).toEqual([220, 38, 38]);
  expect(distanceColour(0)).toEqual([250, 204, 21]);
  expect(distanceColour(GREEN_AT_MM)).toEqual([34, 197, 94]);
  expect(distanceColour(50)).toEqual([34, 197, 94]);
  // halfway to clear: between yellow and green
  expect(distanceColour(GREEN_AT_MM / 2)).toEqual([142, 201, 58]);
});

test('each triangle corner takes its vertex colour', () => {
  const rgb = cornerColours(Uint32Array.from([0, 1, 2, 2, 1, 0]), Float32Array.from([-5, 0, 5]));
  expect(Array.from(rgb.subarray(0, 9))).toEqual([220, 38, 38, 250, 204, 21, 34, 197, 94]);
  expect(Array.from(rgb.subarray(9, 12))).toEqual([34, 197, 94]);
});
