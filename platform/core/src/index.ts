export * from './errors';
export * from './decode';
export * from './dicom';
export * from './geometry';
export * from './stack';
export * from './sample';
export * from './mesh';
export * from './fit';
