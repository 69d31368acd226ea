export * from './headPhantom';
