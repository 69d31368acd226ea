import { folderOf, naturalCompare, naturalSort } from './naturalSort';

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

describe('relative paths', () => {
  test('files of the same name in different subfolders sort folder by folder, never interleaved', () => {
    expect(naturalSort(['b/IMG (1).bmp', 'a/IMG (2).bmp', 'b/IMG (2).bmp', 'a/IMG (1).bmp', 'a/IMG (10).bmp'])).toEqual([
      'a/IMG (1).bmp',
      'a/IMG (2).bmp',
      'a/IMG (10).bmp',
      'b/IMG (1).bmp',
      'b/IMG (2).bmp',
    ]);
  });
  test('folders compare naturally; a folder\'s own files come before its subfolders\'', () => {
    expect(naturalSort(['scan 10/x.png', 'scan 2/x.png', 'scan 2/sub/a.png', 'top.png', 'scan 2/y.png'])).toEqual([
      'top.png',
      'scan 2/x.png',
      'scan 2/y.png',
      'scan 2/sub/a.png',
      'scan 10/x.png',
    ]);
  });
  test('the order is total: a path sorts after a prefix of itself, equal paths compare 0', () => {
    expect(naturalCompare('a/b.png', 'a/b.png')).toBe(0);
    expect(Math.sign(naturalCompare('a/1.png', 'b/0.png'))).toBe(-Math.sign(naturalCompare('b/0.png', 'a/1.png')));
  });
  test('folderOf', () => {
    expect(folderOf('a/b/IMG1.bmp')).toBe('a/b');
    expect(folderOf('IMG1.bmp')).toBe('');
  });
});
