/** Public API of the gradient compiler (see README.md in this folder). */
export { BATCH, EngineError, Graph, Tensor, type Dim, type Shape, type OpName } from './ir';
export { PRIMITIVES, broadcastShapes } from './primitives';
export { grad, NON_DIFFERENTIABLE, unbroadcast, withVjpOverride } from './autodiff';
export {
  DEFAULT_LOWERING,
  lower,
  OPSET,
  type FilterGradStrategy,
  type LoweredModel,
  type LoweringChoices,
  type LowerOptions,
} from './lower';
export {
  createSession,
  describeDeviceChoice,
  explainProviderFailure,
  f32Tensor,
  ProviderError,
  providerPrecheck,
  providerShortReason,
  ORT_VERSION,
  type Provider,
  type ProviderChoice,
  type Session,
  type SessionOptions,
} from './runtime';
export { CompiledGraph, type FeedValue, type NamedArray } from './compile';
export { adam, sgd, type Optimizer } from './optim';
export {
  ParamStore,
  checkSafetensors,
  glorotFor,
  readSafetensors,
  seededRandom,
  writeSafetensors,
  type Init,
} from './params';
export { encodeModel, type OnnxModel, type OnnxNode } from './onnx/onnxProto';
export {
  compileInference,
  compileTrainStep,
  NonFiniteLossError,
  TrainStep,
  type ParamGroup,
  type StepResult,
  type TrainStepSpec,
} from './train';
export { Layers } from './nn';
export { evaluate } from './reference';
export { gradcheck } from './gradcheck';
