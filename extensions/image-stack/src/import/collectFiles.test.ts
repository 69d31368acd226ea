import { stackTitle } from './collectFiles';

const file = (name: string, webkitRelativePath = '') => ({ name, webkitRelativePath }) as unknown as File;

describe('stackTitle', () => {
  it('is the folder name for a picked folder', () => {
    expect(stackTitle([file('IMG (1).bmp', 'CT head 2019/IMG (1).bmp')])).toBe('CT head 2019');
  });
  it('is the file name without its number and extension otherwise', () => {
    expect(stackTitle([file('IMG (12).bmp')])).toBe('IMG');
    expect(stackTitle([file('scan_0001.png')])).toBe('scan');
    expect(stackTitle([file('0001.png')])).toBe('0001');
  });
});
