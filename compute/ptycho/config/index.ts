export * from './schema';
export * from './config';
export * from './trainRequest';
export * from './legacy';
export * from './yamlConfig';
export * from './iterative';
export * from './reconRequest';
