export * from './errors';
export * from './geometry';
export * from './stack';
export * from './sample';
export * from './mesh';
