export * from './ImageStackError';
export * from './wire';
