/**
 * A seeded mutator of real files: byte-level mutations (bit flips, interesting values, inserted,
 * deleted, duplicated and truncated runs, splices of another seed), plus structure-aware ones
 * that get past the outer checks — zip members mutated and re-zipped (valid CRCs, so the NPY,
 * JSON and safetensors parsers inside are reached) and JSON values replaced by hostile ones.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = ReturnType<typeof rng>;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, a: readonly T[]): T => a[int(r, a.length)]!;

const INTERESTING_U32 = [
  0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe,
  0xffffffff,
];

/** One byte-level mutation of `b` (a new array). */
export function mutateBytes(r: Rand, b: Uint8Array, other?: Uint8Array): Uint8Array {
  const out = b.length ? Uint8Array.from(b) : new Uint8Array(1);
  const at = (): number => int(r, out.length);
  switch (int(r, 9)) {
    case 0: {
      const n = 1 + int(r, 8);
      for (let i = 0; i < n; i++) out[at()]! ^= 1 << int(r, 8);
      return out;
    }
    case 1:
      out[at()] = pick(r, [0, 1, 0x7f, 0x80, 0xff, 0x22, 0x5b, 0x7b, 0x30]);
      return out;
    case 2: {
      if (out.length < 4) return out;
      const p = int(r, out.length - 3);
      const v = pick(r, INTERESTING_U32) + (r() < 0.3 ? int(r, 3) - 1 : 0);
      new DataView(out.buffer).setUint32(p, v >>> 0, r() < 0.8);
      return out;
    }
    case 3: {
      // insert random bytes
      const p = at();
      const ins = new Uint8Array(1 + int(r, 64)).map(() => int(r, 256));
      return concat(out.subarray(0, p), ins, out.subarray(p));
    }
    case 4: {
      // delete a run
      const p = at();
      return concat(out.subarray(0, p), out.subarray(Math.min(out.length, p + 1 + int(r, 256))));
    }
    case 5: {
      // duplicate a run
      const p = at();
      const run = out.subarray(p, Math.min(out.length, p + 1 + int(r, 512)));
      return concat(out.subarray(0, p), run, run, out.subarray(p + run.length));
    }
    case 6:
      return out.subarray(0, at());
    case 7: {
      if (!other || other.length === 0) return out;
      const p = at();
      const q = int(r, other.length);
      return concat(
        out.subarray(0, p),
        other.subarray(q, q + 1 + int(r, 4096)),
        out.subarray(p + int(r, 64)),
      );
    }
    default: {
      // overwrite a run with one value
      const p = at();
      out.fill(pick(r, [0, 0xff, 0x20, 0x39]), p, p + 1 + int(r, 32));
      return out;
    }
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const deep = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));
const HOSTILE: (() => unknown)[] = [
  () => null,
  () => 'NaN',
  () => '',
  () => 1e308,
  () => -1,
  () => 0,
  () => 2 ** 53 + 2,
  () => 3.5,
  () => true,
  () => [],
  () => ({}),
  () => [null],
  () => ({ __proto__: { x: 1 } }),
  () => 'x'.repeat(5000),
  () => deep(100),
  () => deep(5000),
  () => [1, 2, 3],
  () => ({ re: [], im: [] }),
];

/** Replace, drop or retype one value somewhere in a JSON document. */
export function mutateJsonValue(r: Rand, v: unknown, depth = 0): unknown {
  if (depth > 6 || v === null || typeof v !== 'object' || r() < 0.15) return pick(r, HOSTILE)();
  if (Array.isArray(v)) {
    if (v.length === 0) return pick(r, HOSTILE)();
    const c = [...v];
    const i = int(r, c.length);
    if (r() < 0.1) c.splice(i, 1);
    else c[i] = mutateJsonValue(r, c[i], depth + 1);
    return c;
  }
  const o = { ...(v as Record<string, unknown>) };
  const keys = Object.keys(o);
  if (keys.length === 0 || r() < 0.05) {
    o[pick(r, ['N', 'models', 'dtype', 'shape', 'data_offsets', '__metadata__', 'type', 'id'])] = pick(
      r,
      HOSTILE,
    )();
    return o;
  }
  const k = pick(r, keys);
  if (r() < 0.1) delete o[k];
  else o[k] = mutateJsonValue(r, o[k], depth + 1);
  return o;
}

/** Mutate a JSON text: a hostile value (70 %) or bytes of the text (30 %). */
export function mutateJsonText(r: Rand, bytes: Uint8Array): Uint8Array {
  if (r() < 0.7) {
    try {
      return new TextEncoder().encode(
        JSON.stringify(mutateJsonValue(r, JSON.parse(new TextDecoder().decode(bytes)))),
      );
    } catch {
      /* not JSON (any more): fall through to bytes */
    }
  }
  return mutateBytes(r, bytes);
}

/** A safetensors file with its JSON header mutated as JSON (the data left as it was). */
export function mutateSafetensorsHeader(r: Rand, b: Uint8Array): Uint8Array {
  if (b.length < 8) return mutateBytes(r, b);
  const n = Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true));
  if (8 + n > b.length) return mutateBytes(r, b);
  const h = mutateJsonText(r, b.subarray(8, 8 + n));
  const out = new Uint8Array(8 + h.length + (b.length - 8 - n));
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(b.subarray(8 + n), 8 + h.length);
  return out;
}

/** Mutate one member of a zip (by content type), or the member set, then re-zip. */
const unzipped = new WeakMap<Uint8Array, Record<string, Uint8Array> | null>();

export function mutateZipMember(r: Rand, zip: Uint8Array): Uint8Array {
  // Seeds are unzipped once; mutated archives (stacked mutations) each time.
  let members = unzipped.get(zip);
  if (members === undefined) {
    try {
      members = unzipSync(zip);
    } catch {
      members = null;
    }
    unzipped.set(zip, members);
  }
  if (!members) return mutateBytes(r, zip);
  const names = Object.keys(members);
  if (names.length === 0) return mutateBytes(r, zip);
  const name = pick(r, names);
  const files: Zippable = {};
  const choice = r();
  for (const n of names) files[n] = [members[n]!, { level: r() < 0.9 ? 0 : 1 }];
  if (choice < 0.05) delete files[name];
  else if (choice < 0.1)
    files[pick(r, ['../x', 'a/../../b', 'C:/x', '\\evil', 'manifest.json/', 'dup'])] = new Uint8Array(3);
  else {
    const data = members[name]!;
    const mutated = name.endsWith('.json')
      ? mutateJsonText(r, data)
      : name.endsWith('.safetensors')
        ? r() < 0.6
          ? mutateSafetensorsHeader(r, data)
          : mutateBytes(r, data)
        : name.endsWith('.npy')
          ? mutateNpy(r, data)
          : mutateBytes(r, data);
    files[name] = [mutated, { level: r() < 0.9 ? 0 : 1 }];
  }
  return zipSync(files, { mtime: new Date('2026-01-01T00:00:00Z') });
}

/** An .npy: mutate its header text (shape, descr, order) or its bytes. */
export function mutateNpy(r: Rand, b: Uint8Array): Uint8Array {
  if (b.length < 10 || r() < 0.4) return mutateBytes(r, b);
  const hl = b[6] === 1 ? new DataView(b.buffer, b.byteOffset).getUint16(8, true) : 0;
  if (!hl || 10 + hl > b.length) return mutateBytes(r, b);
  let h = new TextDecoder('latin1').decode(b.subarray(10, 10 + hl));
  const dims = [
    '0',
    '1',
    '-1',
    '1e200',
    '3.0',
    '0x10',
    '99999999999999999',
    '4294967296',
    'NaN',
    '',
    '2,2,2,2,2,2,2,2,2,2',
  ];
  switch (int(r, 4)) {
    case 0:
      h = h.replace(
        /'shape': \([^)]*\)/,
        `'shape': (${Array.from({ length: 1 + int(r, 3) }, () => pick(r, dims)).join(', ')})`,
      );
      break;
    case 1:
      h = h.replace(
        /'descr': '[^']*'/,
        `'descr': '${pick(r, ['<f4', '>f8', '|O', '<U3', '<c8', '<i2', '', "[('a','<f4')]", '<f16'])}'`,
      );
      break;
    case 2:
      h = h.replace(/True|False/, pick(r, ['True', 'False', 'Maybe']));
      break;
    default:
      h = h.replace(/'shape'/, pick(r, ["'shape'", "'shap'", "'descr'"]));
  }
  const hb = new Uint8Array(Array.from(h, (c) => c.charCodeAt(0) & 0xff));
  const out = concat(b.subarray(0, 10), hb, b.subarray(10 + hl));
  new DataView(out.buffer).setUint16(8, hb.length, true);
  return out;
}
