export * from './types';
export * from './extractSurface';
export * from './meshStats';
export * from './smoothMesh';
export * from './decimateMesh';
export * from './writeStl';
export * from './labelmap';
