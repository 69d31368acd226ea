import { formatPercent, formatSpacingMm, roundSignificant } from './format';

test('spacing to 4 significant figures: close values stay apart', () => {
  expect(formatSpacingMm(0.47991)).toBe('0.4799');
  expect(formatSpacingMm(0.47846)).toBe('0.4785');
  expect(formatSpacingMm(1.2)).toBe('1.200');
  expect(formatSpacingMm(12.5)).toBe('12.50');
  expect(formatSpacingMm(0.0012346)).toBe('0.001235');
  expect(formatSpacingMm(100)).toBe('100.0');
  expect(formatSpacingMm(12345)).toBe('12345');
});

test('rounding and percentages', () => {
  expect(roundSignificant(0.479912, 4)).toBe(0.4799);
  expect(roundSignificant(0, 4)).toBe(0);
  expect(formatPercent(0.2571)).toBe('0.26');
  expect(formatPercent(1.3333)).toBe('1.3');
  expect(formatPercent(0.001)).toBe('<0.01');
  expect(formatPercent(0)).toBe('0');
});
