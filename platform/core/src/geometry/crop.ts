import { ImageStackError } from '../errors';
import { columnDirection, rowDirection } from './orientation';
import type { CropRect, StackGeometry } from './types';

/**
 * Checks that a crop rectangle is whole pixels and lies inside slices of `columns × rows`.
 * Returns it unchanged when usable.
 */
export function checkCrop(crop: CropRect, columns: number, rows: number): CropRect {
  const { x, y, width, height } = crop;
  if (![x, y, width, height].every(Number.isInteger)) {
    throw new ImageStackError('bad-argument', `crop ${x},${y},${width},${height} must be whole pixels x,y,width,height`);
  }
  if (x < 0 || y < 0 || width < 1 || height < 1) {
    throw new ImageStackError('bad-argument', `crop ${x},${y},${width},${height} needs x,y ≥ 0 and width,height ≥ 1`);
  }
  if (x + width > columns || y + height > rows) {
    throw new ImageStackError(
      'bad-argument',
      `crop ${x},${y},${width},${height} reaches past the ${columns}×${rows} slices (it ends at column ${x + width}, row ${y + height})`,
    );
  }
  return crop;
}

/**
 * The geometry of the cropped stack: same spacing and orientation; the origin moves to the
 * centre of pixel (x, y) of the original slices, origin + x·sx·rowDir + y·sy·colDir.
 */
export function cropGeometry(g: StackGeometry, crop: CropRect): StackGeometry {
  const r = rowDirection(g.orientation);
  const c = columnDirection(g.orientation);
  const dx = crop.x * g.pixelSpacingXMm;
  const dy = crop.y * g.pixelSpacingYMm;
  return {
    ...g,
    originMm: [g.originMm[0] + dx * r[0] + dy * c[0], g.originMm[1] + dx * r[1] + dy * c[1], g.originMm[2] + dx * r[2] + dy * c[2]],
  };
}
