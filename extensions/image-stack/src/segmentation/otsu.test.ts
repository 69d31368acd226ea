import { otsuThreshold } from './otsu';

test('splits two separated peaks between them', () => {
  const h = new Float64Array(256);
  h[10] = 1000;
  h[200] = 300;
  const t = otsuThreshold(h);
  expect(t).toBeGreaterThan(10);
  expect(t).toBeLessThanOrEqual(200);
});

test('empty and constant histograms give 0', () => {
  expect(otsuThreshold(new Float64Array(256))).toBe(0);
  const h = new Float64Array(256);
  h[77] = 5;
  expect(otsuThreshold(h)).toBe(0);
});
