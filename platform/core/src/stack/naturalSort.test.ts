import { naturalCompare, naturalSort } from './naturalSort';

test('numbers in names compare as numbers', () => {
  expect(naturalSort(['IMG (10).bmp', 'IMG (2).bmp', 'IMG (1).bmp'])).toEqual(['IMG (1).bmp', 'IMG (2).bmp', 'IMG (10).bmp']);
  expect(naturalSort(['slice_010.png', 'slice_9.png', 'slice_100.png'])).toEqual(['slice_9.png', 'slice_010.png', 'slice_100.png']);
});

test('letters ignore case; ties are broken so the order is total', () => {
  expect(naturalSort(['b.bmp', 'A.bmp', 'a.bmp'])).toEqual(['A.bmp', 'a.bmp', 'b.bmp']);
  expect(naturalCompare('x7', 'x007')).toBeGreaterThan(0); // same number: fewer leading zeros last
  expect(naturalCompare('x007', 'x007')).toBe(0);
});

test('numbers beyond 2^53 still compare', () => {
  expect(naturalSort(['n99999999999999999999', 'n100000000000000000000', 'n2'])).toEqual(['n2', 'n99999999999999999999', 'n100000000000000000000']);
});

test('a prefix sorts before its extensions; several numbers compare in turn', () => {
  expect(naturalSort(['scan 1 (2)', 'scan 1', 'scan 1 (10)', 'scan 0 (99)'])).toEqual(['scan 0 (99)', 'scan 1', 'scan 1 (2)', 'scan 1 (10)']);
});
