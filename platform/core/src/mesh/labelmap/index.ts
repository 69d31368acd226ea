export * from './refine';
export * from './threshold';
export * from './voxelAtPoint';
export * from './voxelVolume';
