export * from './uids';
export * from './decimal';
export * from './window';
export * from './records';
export * from './part10';
export * from './stow';
export * from './series';
export * from './readSeries';
