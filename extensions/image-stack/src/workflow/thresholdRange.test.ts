import { greyToHu, NAMED_CAPTURE_WINDOWS, parseCaptureWindow } from '@imagestack/core';
import { boundText, huPrecision, huText, readThresholdBounds } from './thresholdRange';

const grey8 = { maxValue: 255 };
const bone = { maxValue: 255, captureWindow: parseCaptureWindow('bone') };

describe('readThresholdBounds without a capture window: grey levels as now', () => {
  test('whole numbers within 0..max, low ≤ high', () => {
    expect(readThresholdBounds(grey8, '200', '240')).toEqual({ grey: [200, 240] });
    expect(readThresholdBounds(grey8, '200.5', '240').problem).toMatch(/whole numbers/);
    expect(readThresholdBounds(grey8, '0', '256').problem).toMatch(/within 0–255/);
    expect(readThresholdBounds(grey8, '240', '200').problem).toMatch(/lower value is above/);
    expect(readThresholdBounds(grey8, '', '200').problem).toMatch(/both ends/);
    expect(boundText(grey8, 17, 'lower')).toBe('17');
  });
});

describe('readThresholdBounds with a capture window: HU typed, grey levels selected', () => {
  test('bone: 226 HU and above is grey 115..255 (115 is the first level at or above 226 HU)', () => {
    const r = readThresholdBounds(bone, '226', '1050');
    expect(r.grey).toEqual([115, 255]);
    expect(greyToHu(bone.captureWindow, 114)).toBeLessThan(226);
    expect(greyToHu(bone.captureWindow, 115)).toBeGreaterThanOrEqual(226);
    expect(r.hu![0]).toBeCloseTo(-450 + (115 * 1500) / 255, 9);
    expect(r.hu![1]).toBe(1050);
  });

  test('HU beyond the window are clamped to its grey levels; a range holding none is refused', () => {
    expect(readThresholdBounds(bone, '-3000', '3000').grey).toEqual([0, 255]);
    expect(readThresholdBounds(bone, '1100', '2000').problem).toMatch(/^No grey level of the capture window bone/);
    expect(readThresholdBounds(bone, '300', '302').problem).toMatch(/No grey level/); // narrower than one step (5.9 HU)
    expect(readThresholdBounds(bone, '300.5', '400').grey).toBeDefined(); // HU need not be whole
    expect(readThresholdBounds(bone, 'x', '400').problem).toMatch(/numbers of HU/);
  });

  test.each(Object.keys(NAMED_CAPTURE_WINDOWS))('%s: every grey level shown in HU reads back as itself, as a lower and as an upper bound', name => {
    const scale = { maxValue: 255, captureWindow: parseCaptureWindow(name) };
    for (let g = 0; g <= 255; g++) {
      expect(readThresholdBounds(scale, huText(scale.captureWindow, g, 'lower'), boundText(scale, 255, 'upper')).grey).toEqual([g, 255]);
      expect(readThresholdBounds(scale, boundText(scale, 0, 'lower'), huText(scale.captureWindow, g, 'upper')).grey).toEqual([0, g]);
    }
  });

  test('HU are shown to whole HU, or finer where one grey step is under 1 HU', () => {
    expect(huPrecision(parseCaptureWindow('bone'))).toBe(1);
    expect(huPrecision(parseCaptureWindow('brain'))).toBeCloseTo(0.1, 12); // 80/255 = 0.31 HU a step
    expect(huText(parseCaptureWindow('brain'), 0, 'lower')).toBe('0.0');
    expect(huText(parseCaptureWindow('wide'), 0, 'lower')).toBe('-1000');
    expect(huText(parseCaptureWindow('wide'), 255, 'upper')).toBe('1000');
  });
});
