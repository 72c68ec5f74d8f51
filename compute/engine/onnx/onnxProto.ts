/**
 * ONNX ModelProto encoding (schema onnx.proto3, field numbers from the ONNX spec).
 * Plain data types describe a model; `encodeModel` turns them into bytes ONNX Runtime loads.
 */
import { ProtoWriter } from './protobuf';

/** ONNX TensorProto.DataType values used here. */
export const OnnxDType = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
export type OnnxDTypeName = keyof typeof OnnxDType;

export interface OnnxTensor {
  name: string;
  dtype: OnnxDTypeName;
  dims: readonly number[];
  /** Little-endian raw bytes (Float32Array/BigInt64Array/… views are accepted). */
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
}

export type OnnxAttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'tensor'; value: OnnxTensor };

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  domain?: string;
  attributes?: Readonly<Record<string, OnnxAttrValue>>;
}

/** A graph input/output: element type and shape; a string dim is symbolic (e.g. 'batch'). */
export interface OnnxValueInfo {
  name: string;
  dtype: OnnxDTypeName;
  shape: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  initializers: readonly OnnxTensor[];
}

export interface OnnxModel {
  graph: OnnxGraph;
  opset: number;
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}

const ATTR_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  w.packedInts(1, t.dims);
  w.int(2, OnnxDType[t.dtype]);
  w.string(8, t.name);
  const d = t.data;
  w.bytes(9, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
}

function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttrValue): void {
  w.string(1, name);
  switch (a.kind) {
    case 'int':
      w.int(20, ATTR_TYPE.INT).int(3, a.value);
      break;
    case 'float':
      w.int(20, ATTR_TYPE.FLOAT).float(2, a.value);
      break;
    case 'string':
      w.int(20, ATTR_TYPE.STRING).string(4, a.value);
      break;
    case 'ints':
      w.int(20, ATTR_TYPE.INTS).packedInts(8, a.value);
      break;
    case 'floats':
      w.int(20, ATTR_TYPE.FLOATS).packedFloats(7, a.value);
      break;
    case 'tensor':
      w.int(20, ATTR_TYPE.TENSOR).message(5, (m) => writeTensor(m, a.value));
      break;
  }
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, OnnxDType[v.dtype]);
      tensorType.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => {
            if (typeof d === 'number') dim.int(1, d);
            else dim.string(2, d);
          });
        }
      });
    }),
  );
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  if (n.domain) w.string(7, n.domain);
  if (n.attributes) {
    for (const key of Object.keys(n.attributes).sort()) {
      w.message(5, (a) => writeAttribute(a, key, n.attributes![key]!));
    }
  }
}

function writeGraph(w: ProtoWriter, g: OnnxGraph): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
}

/** Serialise a model to ONNX protobuf bytes. */
export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion ?? 8);
  w.string(2, model.producerName ?? 'ptycho-workstation');
  if (model.producerVersion) w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, (g) => writeGraph(g, model.graph));
  w.message(8, (o) => o.string(1, '').int(2, model.opset));
  if (model.metadata) {
    for (const key of Object.keys(model.metadata).sort()) {
      w.message(14, (e) => e.string(1, key).string(2, model.metadata![key]!));
    }
  }
  return w.finish();
}
