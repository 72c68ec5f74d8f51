/**
 * N-dimensional arrays as the app holds them: a typed array in C (row-major) order plus a
 * shape and a dtype tag. Complex arrays are interleaved (re, im, re, im, …) in a Float32Array
 * (`complex64`) or Float64Array (`complex128`), like numpy's memory layout.
 */

export type DType =
  'float32' | 'float64' | 'complex64' | 'complex128' | 'uint8' | 'uint16' | 'int32' | 'int64' | 'bool';

export type DataOf<D extends DType> = D extends 'float32' | 'complex64'
  ? Float32Array
  : D extends 'float64' | 'complex128'
    ? Float64Array
    : D extends 'uint8' | 'bool'
      ? Uint8Array
      : D extends 'uint16'
        ? Uint16Array
        : D extends 'int32'
          ? Int32Array
          : BigInt64Array;

export interface NdArray<D extends DType = DType> {
  dtype: D;
  shape: number[];
  /** C-order data; complex dtypes interleave re/im so data.length = 2·size. */
  data: DataOf<D>;
}

export type AnyNdArray = { [D in DType]: NdArray<D> }[DType];

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

export function isComplex(d: DType): d is 'complex64' | 'complex128' {
  return d === 'complex64' || d === 'complex128';
}

export function isFloat(d: DType): d is 'float32' | 'float64' {
  return d === 'float32' || d === 'float64';
}

/** Any real numeric array as Float32Array (int64 via Number). Complex arrays are refused. */
export function toFloat32(a: AnyNdArray): Float32Array {
  if (isComplex(a.dtype)) throw new Error(`expected a real array, got ${a.dtype}`);
  if (a.data instanceof Float32Array) return a.data;
  if (a.data instanceof BigInt64Array) return Float32Array.from(a.data, (v) => Number(v));
  return Float32Array.from(a.data as ArrayLike<number>);
}

/** Any real numeric array as Float64Array. */
export function toFloat64(a: AnyNdArray): Float64Array {
  if (isComplex(a.dtype)) throw new Error(`expected a real array, got ${a.dtype}`);
  if (a.data instanceof Float64Array) return a.data;
  if (a.data instanceof BigInt64Array) return Float64Array.from(a.data, (v) => Number(v));
  return Float64Array.from(a.data as ArrayLike<number>);
}

/** Complex array as split (re, im) Float32Arrays; a real array gets im = 0. */
export function toComplexSplit(a: AnyNdArray): { re: Float32Array; im: Float32Array } {
  const n = sizeOf(a.shape);
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  if (isComplex(a.dtype)) {
    const d = a.data as Float32Array | Float64Array;
    for (let i = 0; i < n; i++) {
      re[i] = d[2 * i]!;
      im[i] = d[2 * i + 1]!;
    }
  } else re.set(toFloat32(a));
  return { re, im };
}

export function complexFromSplit(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  shape: number[],
): NdArray<'complex64'> {
  const n = sizeOf(shape);
  const data = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = re[i]!;
    data[2 * i + 1] = im[i]!;
  }
  return { dtype: 'complex64', shape, data };
}

export function f32(data: Float32Array, shape: number[]): NdArray<'float32'> {
  return { dtype: 'float32', shape, data };
}

export function f64(data: Float64Array, shape: number[]): NdArray<'float64'> {
  return { dtype: 'float64', shape, data };
}
