import { checkGapPolicy, describeGaps, findGaps, planGapFills } from './gaps';
import { ImageStackError } from '../errors';

test('a missing number in a series is a gap; the step is learnt from the names', () => {
  expect(findGaps(['img_001.bmp', 'img_002.bmp', 'img_005.bmp'])).toEqual([
    { after: 'img_002.bmp', before: 'img_005.bmp', missing: [3, 4], missingCount: 2, afterNumber: 2, beforeNumber: 5, step: 1 },
  ]);
  expect(findGaps(['s0.png', 's2.png', 's4.png', 's8.png'])).toEqual([{ after: 's4.png', before: 's8.png', missing: [6], missingCount: 1, afterNumber: 4, beforeNumber: 8, step: 2 }]);
});

test('no gaps in complete series, single files or names without numbers', () => {
  expect(findGaps(['IMG (1).bmp', 'IMG (2).bmp', 'IMG (3).bmp'])).toEqual([]);
  expect(findGaps(['only_7.bmp'])).toEqual([]);
  expect(findGaps(['a.bmp', 'b.bmp'])).toEqual([]);
});

test('series with different names are separate; order of input does not matter', () => {
  expect(findGaps(['scout_1.png', 'img_3.png', 'img_1.png', 'scout_9.png', 'img_2.png'])).toEqual([
    { after: 'scout_1.png', before: 'scout_9.png', missing: [2, 3, 4, 5, 6, 7, 8], missingCount: 7, afterNumber: 1, beforeNumber: 9, step: 1 },
  ]);
});

test('a long gap lists at most 20 numbers but counts them all', () => {
  const [g] = findGaps(['a1', 'a1000']);
  expect(g.missing.length).toBe(20);
  expect(g.missingCount).toBe(998);
});

describe('gap policy', () => {
  const gaps = findGaps(['img_001.bmp', 'img_002.bmp', 'img_003.bmp', 'img_004.bmp', 'img_005.bmp', 'img_009.bmp', 'img_011.bmp']);

  test('describes the missing numbers in one line', () => {
    expect(describeGaps(gaps)).toBe('slice numbers 6–8, 10 (4 slices) are missing (after img_005.bmp, img_009.bmp)');
    expect(describeGaps(findGaps(['a1', 'a2', 'a4']))).toBe('slice number 3 is missing (after a2)');
  });

  test('is required when there are gaps, never assumed', () => {
    expect(() => checkGapPolicy(gaps, undefined)).toThrow(ImageStackError);
    expect(() => checkGapPolicy(gaps, undefined)).toThrow(/slice numbers 6–8, 10 .* are missing .*: choose 'fill' .* or 'continuous'/);
    expect(() => checkGapPolicy(gaps, 'squeeze' as 'fill')).toThrow(/gap policy must be 'fill' or 'continuous'/);
    expect(() => checkGapPolicy([], undefined)).not.toThrow();
    expect(() => checkGapPolicy(gaps, 'fill')).not.toThrow();
    expect(() => checkGapPolicy(gaps, 'continuous')).not.toThrow();
  });

  test('fills go between the neighbours, weighted by their numbered distance, in either order', () => {
    const names = ['img_005.bmp', 'img_009.bmp', 'img_011.bmp'];
    const g = findGaps(names);
    expect(planGapFills(names, g)).toEqual([
      { insertAfter: 0, number: 6, name: 'img_006.bmp (interpolated)', from: 0, to: 1, weight: 0.25 },
      { insertAfter: 0, number: 7, name: 'img_007.bmp (interpolated)', from: 0, to: 1, weight: 0.5 },
      { insertAfter: 0, number: 8, name: 'img_008.bmp (interpolated)', from: 0, to: 1, weight: 0.75 },
      { insertAfter: 1, number: 10, name: 'img_010.bmp (interpolated)', from: 1, to: 2, weight: 0.5 },
    ]);
    const reversed = [...names].reverse();
    expect(planGapFills(reversed, g).map(f => [f.insertAfter, f.number, f.weight])).toEqual([
      [1, 8, 0.25],
      [1, 7, 0.5],
      [1, 6, 0.75],
      [0, 10, 0.5],
    ]);
  });

  test('a series with step 2 fills its own step; off-step numbers and interlopers are refused', () => {
    expect(planGapFills(['s0.png', 's2.png', 's4.png', 's8.png'], findGaps(['s0.png', 's2.png', 's4.png', 's8.png'])).map(f => f.number)).toEqual([6]);
    const odd = ['s0.png', 's2.png', 's4.png', 's7.png'];
    expect(() => planGapFills(odd, findGaps(odd))).toThrow(/s4\.png → s7\.png is not a whole number of steps of 2/);
    const between = ['a1.png', 'a2x.png', 'a3.png'];
    expect(() => planGapFills(between, findGaps(between))).toThrow(/cannot fill the gap between a1\.png and a3\.png: other files sort between them/);
  });
});
