import { cropFromPoints } from './cropFromPoints';

describe('cropFromPoints', () => {
  it('takes the whole pixels whose edges enclose both points, in either drag direction', () => {
    // pixel centres 2..5 and 3..7: edges 1.5..5.5 → columns 2..5 (x 2, width 4)
    expect(cropFromPoints([2, 3], [5, 7], 20, 20)).toEqual({ x: 2, y: 3, width: 4, height: 5 });
    expect(cropFromPoints([5, 7], [2, 3], 20, 20)).toEqual({ x: 2, y: 3, width: 4, height: 5 });
    // from the outer edge of the first pixel to the outer edge of the last: the whole slice
    expect(cropFromPoints([-0.5, -0.5], [19.5, 9.5], 20, 10)).toEqual({ x: 0, y: 0, width: 20, height: 10 });
  });

  it('clamps a drag that leaves the slice', () => {
    expect(cropFromPoints([-10, -10], [100, 4.2], 20, 10)).toEqual({ x: 0, y: 0, width: 20, height: 5 });
  });

  it('refuses a rectangle without a whole pixel', () => {
    expect(cropFromPoints([-3, -3], [-1, 5], 20, 10)).toBeUndefined();
  });
});
