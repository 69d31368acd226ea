import { ImageStackError } from './ImageStackError';
import { errorFromWire, errorToWire } from './wire';

describe('worker error codec', () => {
  it('keeps code, file and reason through a structured clone', () => {
    const original = new ImageStackError('corrupt', 'RLE run overruns row 3', 'slice_007.bmp');
    const back = errorFromWire(structuredClone(errorToWire(original, 'the decode worker')));
    expect(back).toBeInstanceOf(ImageStackError);
    expect(back.code).toBe('corrupt');
    expect(back.file).toBe('slice_007.bmp');
    expect(back.reason).toBe('RLE run overruns row 3');
    expect(back.userMessage()).toBe('slice_007.bmp: RLE run overruns row 3');
  });

  it('names what failed for an unexpected error, with the fallback code and the file', () => {
    const w = errorToWire(new TypeError('x is undefined\n  at foo'), 'the mesh worker', 'corrupt', 'a.bmp');
    expect(w).toEqual({ code: 'corrupt', reason: 'the mesh worker failed (x is undefined)', file: 'a.bmp' });
  });

  it('cancelling stays code cancelled', () => {
    const back = errorFromWire(errorToWire(new ImageStackError('cancelled', 'mesh: cancelled'), 'the mesh worker'));
    expect(back.code).toBe('cancelled');
  });
});
