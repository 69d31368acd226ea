export * from './dist/node';
