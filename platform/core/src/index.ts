export * from './errors';
export * from './dicom';
export * from './geometry';
export * from './stack';
export * from './sample';
export * from './mesh';
