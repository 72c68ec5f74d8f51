export * from './config';
export * from './legacy';
export * from './yamlConfig';
