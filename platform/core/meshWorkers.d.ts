export * from './dist/stack/node/meshWorkers';
