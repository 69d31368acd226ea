export * from './volumePresets';
