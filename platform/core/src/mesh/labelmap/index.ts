export * from './threshold';
export * from './islands';
export * from './distance';
export * from './morphology';
export * from './runs';
