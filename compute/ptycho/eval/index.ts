export * from './image';
export * from './fft2';
export * from './filters';
export * from './metrics';
export * from './registration';
export * from './alignment';
export * from './frc';
export * from './evaluate';
