import { findGaps } from './gaps';

test('a missing number in a series is a gap; the step is learnt from the names', () => {
  expect(findGaps(['img_001.bmp', 'img_002.bmp', 'img_005.bmp'])).toEqual([{ after: 'img_002.bmp', before: 'img_005.bmp', missing: [3, 4], missingCount: 2 }]);
  expect(findGaps(['s0.png', 's2.png', 's4.png', 's8.png'])).toEqual([{ after: 's4.png', before: 's8.png', missing: [6], missingCount: 1 }]);
});

test('no gaps in complete series, single files or names without numbers', () => {
  expect(findGaps(['IMG (1).bmp', 'IMG (2).bmp', 'IMG (3).bmp'])).toEqual([]);
  expect(findGaps(['only_7.bmp'])).toEqual([]);
  expect(findGaps(['a.bmp', 'b.bmp'])).toEqual([]);
});

test('series with different names are separate; order of input does not matter', () => {
  expect(findGaps(['scout_1.png', 'img_3.png', 'img_1.png', 'scout_9.png', 'img_2.png'])).toEqual([
    { after: 'scout_1.png', before: 'scout_9.png', missing: [2, 3, 4, 5, 6, 7, 8], missingCount: 7 },
  ]);
});

test('a long gap lists at most 20 numbers but counts them all', () => {
  const [g] = findGaps(['a1', 'a1000']);
  expect(g.missing.length).toBe(20);
  expect(g.missingCount).toBe(998);
});
