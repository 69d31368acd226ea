export * from './captureWindow';
