/**
 * NPY format (numpy's .npy, versions 1.0–3.0): read and write, little- and big-endian,
 * C and Fortran order, 0-d arrays. Object arrays (pickles) are refused — nothing is ever
 * unpickled or executed.
 *
 * Layout: magic "\x93NUMPY", major, minor, header length (u16 for v1, u32 for v2/3), an ASCII
 * (v3: UTF-8) Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), },
 * space-padded so data starts on a 64-byte boundary, then the raw data.
 */
import { sizeOf, type AnyNdArray, type DType } from './ndarray';

export class NpyError extends Error {
  override name = 'NpyError';
}

interface DescrInfo {
  dtype: DType;
  itemBytes: number;
  bigEndian: boolean;
}

const DESCR: Record<string, { dtype: DType; bytes: number }> = {
  f4: { dtype: 'float32', bytes: 4 },
  f8: { dtype: 'float64', bytes: 8 },
  c8: { dtype: 'complex64', bytes: 8 },
  c16: { dtype: 'complex128', bytes: 16 },
  u1: { dtype: 'uint8', bytes: 1 },
  u2: { dtype: 'uint16', bytes: 2 },
  i4: { dtype: 'int32', bytes: 4 },
  i8: { dtype: 'int64', bytes: 8 },
  b1: { dtype: 'bool', bytes: 1 },
};

const WRITE_DESCR: Record<DType, string> = {
  float32: '<f4',
  float64: '<f8',
  complex64: '<c8',
  complex128: '<c16',
  uint8: '|u1',
  uint16: '<u2',
  int32: '<i4',
  int64: '<i8',
  bool: '|b1',
};

function parseDescr(descr: string, where: string): DescrInfo {
  const m = /^([<>|=])([a-zA-Z]\d+)$/.exec(descr);
  if (!m) {
    if (descr.includes('O') || descr.startsWith('['))
      throw new NpyError(
        `${where}: object or structured arrays (dtype ${descr}) are not supported; they need unpickling, which is refused`,
      );
    throw new NpyError(
      `${where}: unsupported dtype '${descr}' (supported: <f4 <f8 <c8 <c16 |u1 <u2 <i4 <i8 |b1, also big-endian)`,
    );
  }
  const info = DESCR[m[2]!];
  if (!info)
    throw new NpyError(
      `${where}: unsupported dtype '${descr}' (supported: <f4 <f8 <c8 <c16 |u1 <u2 <i4 <i8 |b1, also big-endian)`,
    );
  return { dtype: info.dtype, itemBytes: info.bytes, bigEndian: m[1] === '>' };
}

/** Parse numpy's header dict literal without eval: exactly the three keys numpy writes. */
function parseHeader(text: string, where: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr) {
    if (/'descr'\s*:\s*\[/.test(text)) throw new NpyError(`${where}: structured dtypes are not supported`);
    throw new NpyError(`${where}: header has no 'descr' (not a valid .npy header: ${text.slice(0, 80)})`);
  }
  if (!fortran || !shape) throw new NpyError(`${where}: malformed .npy header: ${text.slice(0, 120)}`);
  const dims = shape[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      // Decimal digits only: "1e200", "0x10", "-1", "3.0" are not numpy dimensions.
      if (!/^\d{1,16}L?$/.test(s))
        throw new NpyError(
          `${where}: bad dimension '${s.slice(0, 40)}' in shape (expected a non-negative integer)`,
        );
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(v)) throw new NpyError(`${where}: dimension ${s} in shape is too large`);
      return v;
    });
  if (dims.length > 32) throw new NpyError(`${where}: ${dims.length} dimensions (numpy allows at most 32)`);
  // The product must be exact: with a zero anywhere it is 0, otherwise it must stay a safe integer.
  if (!dims.includes(0)) {
    let n = 1;
    for (const d of dims) {
      n *= d;
      if (!Number.isSafeInteger(n))
        throw new NpyError(`${where}: shape (${dims.join(', ')}) holds more elements than any array can`);
    }
  }
  return { descr: descr[1]!, fortran: fortran[1] === 'True', shape: dims };
}

/** C-order index permutation for a Fortran-ordered buffer. */
function fortranToC<T extends { length: number; [i: number]: number | bigint }>(
  src: T,
  dst: T,
  shape: number[],
  comps: number,
): void {
  const nd = shape.length;
  const n = sizeOf(shape);
  const fStride = new Array<number>(nd);
  let acc = 1;
  for (let d = 0; d < nd; d++) {
    fStride[d] = acc;
    acc *= shape[d]!;
  }
  const idx = new Array<number>(nd).fill(0);
  for (let c = 0; c < n; c++) {
    let f = 0;
    for (let d = 0; d < nd; d++) f += idx[d]! * fStride[d]!;
    for (let k = 0; k < comps; k++) dst[c * comps + k] = src[f * comps + k]!;
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Decode an .npy file. `where` names the file/member in error messages. */
export function readNpy(bytes: Uint8Array, where = 'array.npy'): AnyNdArray {
  if (bytes.length < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') {
    throw new NpyError(`${where}: not an .npy file (wrong magic bytes)`);
  }
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError(`${where}: truncated header`);
    headerLen = dv.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyError(`${where}: unsupported .npy version ${major}.${bytes[7]}`);
  }
  if (headerStart + headerLen > bytes.length)
    throw new NpyError(`${where}: truncated header (needs ${headerLen} bytes)`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLen),
  );
  const h = parseHeader(text, where);
  const info = parseDescr(h.descr, where);
  const n = sizeOf(h.shape);
  const dataStart = headerStart + headerLen;
  const need = n * info.itemBytes;
  if (!Number.isSafeInteger(need))
    throw new NpyError(
      `${where}: shape (${h.shape.join(', ')}) of ${h.descr} needs more bytes than any array can hold`,
    );
  if (bytes.length - dataStart < need) {
    throw new NpyError(
      `${where}: header says shape (${h.shape.join(', ')}) of ${h.descr} = ${need} bytes, but only ${bytes.length - dataStart} bytes of data follow (file truncated or header lies)`,
    );
  }
  if (bytes.length - dataStart > need) {
    throw new NpyError(
      `${where}: header says shape (${h.shape.join(', ')}) of ${h.descr} = ${need} bytes, but ${bytes.length - dataStart} bytes of data follow (header lies or the file holds more than one array)`,
    );
  }
  const raw = bytes.subarray(dataStart, dataStart + need);
  const comps = info.dtype === 'complex64' || info.dtype === 'complex128' ? 2 : 1;
  const scalarBytes = info.itemBytes / comps;
  // Copy into an aligned buffer, swapping bytes when big-endian.
  const aligned = new Uint8Array(need);
  if (info.bigEndian && scalarBytes > 1) {
    for (let i = 0; i < need; i += scalarBytes)
      for (let k = 0; k < scalarBytes; k++) aligned[i + k] = raw[i + scalarBytes - 1 - k]!;
  } else aligned.set(raw);
  const make = (): AnyNdArray['data'] => {
    const b = aligned.buffer;
    switch (info.dtype) {
      case 'float32':
      case 'complex64':
        return new Float32Array(b);
      case 'float64':
      case 'complex128':
        return new Float64Array(b);
      case 'uint8':
      case 'bool':
        return new Uint8Array(b);
      case 'uint16':
        return new Uint16Array(b);
      case 'int32':
        return new Int32Array(b);
      case 'int64':
        return new BigInt64Array(b);
    }
  };
  let data = make();
  if (h.fortran && h.shape.length > 1) {
    const out = new (data.constructor as new (n: number) => typeof data)(data.length);
    fortranToC(data as never, out as never, h.shape, comps);
    data = out;
  }
  return { dtype: info.dtype, shape: h.shape, data } as AnyNdArray;
}

/** Encode an array as .npy v1.0 (v2.0 if the header would not fit), little-endian, C order. */
export function writeNpy(a: AnyNdArray): Uint8Array {
  const n = sizeOf(a.shape);
  const comps = a.dtype === 'complex64' || a.dtype === 'complex128' ? 2 : 1;
  if (a.data.length !== n * comps)
    throw new NpyError(`writeNpy: ${a.data.length} values for shape (${a.shape.join(', ')}) of ${a.dtype}`);
  const shapeText = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let dict = `{'descr': '${WRITE_DESCR[a.dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let version = 1;
  let pre = 10;
  if (dict.length + 11 > 65535) {
    version = 2;
    pre = 12;
  }
  const total = pre + dict.length + 1;
  const pad = (64 - (total % 64)) % 64;
  dict = dict + ' '.repeat(pad) + '\n';
  const data = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = new Uint8Array(pre + dict.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, dict.length, true);
  else dv.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[pre + i] = dict.charCodeAt(i);
  out.set(data, pre + dict.length);
  return out;
}
