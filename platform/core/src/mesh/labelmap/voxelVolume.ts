import type { StackGeometry } from '../../geometry';

/** Volume of one voxel in millilitres (cm³): x · y · slice spacing in mm, / 1000. The one place this is computed. */
export function voxelVolumeMl(geometry: Pick<StackGeometry, 'pixelSpacingXMm' | 'pixelSpacingYMm' | 'sliceSpacingMm'>): number {
  return (geometry.pixelSpacingXMm * geometry.pixelSpacingYMm * geometry.sliceSpacingMm) / 1000;
}
