// Images, FFTs and filters live in compute/numerics (shared with simulation and iterative).
export * from './metrics';
export * from './registration';
export * from './alignment';
export * from './frc';
export * from './patchCorrelation';
export * from './evaluate';
export * from './resolution';
