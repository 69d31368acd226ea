export * from './types';
export * from './extractSurface';
export * from './meshStats';
