export * from './types';
export * from './orientation';
export * from './spacing';
export * from './positions';
