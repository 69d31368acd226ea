export * from './ImageStackError';
