import { calibrateSpacing, calibrateSquarePixels, lineLengthMm, tickCalibrationRecord } from './calibration';

describe('one ruler line, square pixels', () => {
  test('a 3-4-5 line of 5 pixels over 10 mm gives 2 mm', () => {
    expect(calibrateSquarePixels({ from: [10, 20], to: [13, 24], lengthMm: 10 })).toBeCloseTo(2, 12);
    expect(calibrateSpacing({ from: [10, 20], to: [13, 24], lengthMm: 10 })).toEqual({ pixelSpacingXMm: 2, pixelSpacingYMm: 2 });
  });

  test('direction of drawing does not matter', () => {
    expect(calibrateSquarePixels({ from: [113, 24], to: [13, 24], lengthMm: 50 })).toBeCloseTo(0.5, 12);
  });

  test.each([
    [{ from: [5, 5], to: [5.5, 5], lengthMm: 10 }, /shorter than 2 pixels/],
    [{ from: [0, 0], to: [100, 0], lengthMm: 0 }, /positive number of millimetres/],
    [{ from: [0, 0], to: [100, 0], lengthMm: Number.NaN }, /positive number of millimetres/],
    [{ from: [0, Number.NaN], to: [100, 0], lengthMm: 3 }, /two finite pixel positions/],
    [{ from: [0, 0], to: [10, 0], lengthMm: 5000 }, /over 100 mm/],
  ] as const)('refuses %p', (line, message) => {
    expect(() => calibrateSquarePixels({ from: [...line.from], to: [...line.to], lengthMm: line.lengthMm })).toThrow(message);
  });
});

describe('two ruler lines, non-square pixels', () => {
  const sx = 0.5;
  const sy = 0.8;
  const line = (from: [number, number], to: [number, number]) => ({ from, to, lengthMm: lineLengthMm(from, to, sx, sy) });

  test('a horizontal and a vertical line give x and y directly', () => {
    const s = calibrateSpacing(line([10, 10], [110, 10]), line([20, 5], [20, 55]));
    expect(s.pixelSpacingXMm).toBeCloseTo(sx, 12);
    expect(s.pixelSpacingYMm).toBeCloseTo(sy, 12);
  });

  test('two oblique lines are solved together', () => {
    const s = calibrateSpacing(line([3, 7], [103, 57]), line([40, 90], [10, 10]));
    expect(s.pixelSpacingXMm).toBeCloseTo(sx, 10);
    expect(s.pixelSpacingYMm).toBeCloseTo(sy, 10);
  });

  test('either order of the lines gives the same answer', () => {
    const a = line([0, 0], [100, 20]);
    const b = line([0, 0], [10, 80]);
    expect(calibrateSpacing(a, b).pixelSpacingXMm).toBeCloseTo(calibrateSpacing(b, a).pixelSpacingXMm, 12);
  });

  test('refuses parallel lines', () => {
    expect(() => calibrateSpacing(line([0, 0], [100, 50]), line([10, 0], [50, 20]))).toThrow(/same direction/);
  });

  test('refuses lengths that no positive spacing fits', () => {
    // horizontal 100 px = 10 mm, but an oblique 100×100 px line only 5 mm: sy² would be negative
    expect(() => calibrateSpacing({ from: [0, 0], to: [100, 0], lengthMm: 10 }, { from: [0, 0], to: [100, 100], lengthMm: 5 })).toThrow(
      /contradict/,
    );
  });
});

test('a tick fit as the sidecar records it', () => {
  const fit = { spacingMm: 0.125, lengthPx: 400, residualPx: 0.1, uncertaintyPct: 0.3, ticks: [{ x: 0, y: 0 }, { x: 80, y: 0 }, { x: 160, y: 0 }], line: { x0: 0, y0: 0, x1: 400, y1: 0 }, intervals: 5, tickSpacingPx: 80 };
  expect(tickCalibrationRecord(fit, 50)).toEqual({ method: 'ticks', lines: [{ x0: 0, y0: 0, x1: 400, y1: 0, lengthMm: 50 }], uncertaintyPct: 0.3, ticks: 3, residualPx: 0.1 });
});
