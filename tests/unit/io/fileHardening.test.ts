/**
 * Issue #15, files: each finding as a test that failed before the fix. Devices and FIFOs are
 * refused within a second (before: /dev/zero grew the process without bound, a FIFO blocked
 * forever); every zip member's CRC-32 is checked (before: NPZ members were not); overlapping
 * and out-of-order entries are refused (before: a 0.94 MB NPZ took 2.15 GB); NPY shapes must be
 * integers; hostile bundle JSON and safetensors headers get a clean error, not a TypeError.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { NpzError, readNpz, writeNpyString } from '../../../compute/io/npz';
import { NpyError, readNpy, writeNpy } from '../../../compute/io/npy';
import { crc32, listZip } from '../../../compute/io/zip';
import { BundleError, decodeBundle, readBundle } from '../../../compute/ptycho/bundle/bundle';
import { checkSafetensors, readSafetensors, writeSafetensors } from '../../../compute/engine/params';
import { EngineError } from '../../../compute/engine/ir';
import { openDataset } from '../../../compute/ptycho/data/formats/index';
import { DatasetError } from '../../../compute/ptycho/data/dataset';
import { f32 } from '../../../compute/io/ndarray';
import { readYamlConfig } from '../../../compute/ptycho/config/yamlConfig';
import { ConfigError } from '../../../compute/ptycho/config/config';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'harden-'));

/** Time a call that must throw; returns [error, milliseconds]. */
async function refused(f: () => unknown): Promise<[Error, number]> {
  const t0 = performance.now();
  try {
    await f();
  } catch (e) {
    return [e as Error, performance.now() - t0];
  }
  throw new Error('expected a refusal');
}

describe('only regular files are opened', () => {
  const fifo = join(tmp(), 'pipe.npz');
  execFileSync('mkfifo', [fifo]);

  it.each([
    [
      'readNpz /dev/zero',
      () => readNpz('/dev/zero'),
      NpzError,
      /\/dev\/zero is a character device, not a regular file/,
    ],
    ['readNpz FIFO', () => readNpz(fifo), NpzError, /pipe\.npz is a FIFO \(named pipe\), not a regular file/],
    [
      'readNpz folder',
      () => readNpz(tmpdir()),
      NpzError,
      /is a folder, not a regular file; an NPZ archive must be a regular file/,
    ],
    [
      'readBundle /dev/zero',
      () => readBundle('/dev/zero'),
      BundleError,
      /\/dev\/zero is a character device.*a model bundle must be a regular file/,
    ],
    ['readBundle FIFO', () => readBundle(fifo), BundleError, /is a FIFO \(named pipe\)/],
    [
      'openDataset /dev/zero',
      () => openDataset('/dev/zero'),
      DatasetError,
      /\/dev\/zero is a character device.*a dataset must be a regular file/,
    ],
    ['openDataset FIFO', () => openDataset(fifo), DatasetError, /is a FIFO \(named pipe\)/],
    [
      'openDataset /dev/null',
      () => openDataset('/dev/null'),
      DatasetError,
      /\/dev\/null is a character device/,
    ],
    [
      '--config FIFO',
      () => readYamlConfig(fifo),
      ConfigError,
      /is a FIFO \(named pipe\), not a regular file; a config file must be a regular file/,
    ],
  ])('%s is refused within a second with a sentence saying what it is', async (_n, f, cls, msg) => {
    const [e, ms] = await refused(f);
    expect(e).toBeInstanceOf(cls);
    expect(e.message).toMatch(msg);
    expect(ms).toBeLessThan(1000);
  });
});

describe('zip members are checked', () => {
  it('CRC-32 matches Python zlib.crc32', () => {
    // python3 -c "import zlib; print(hex(zlib.crc32(s)))" for each input
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    const ramp = new Uint8Array(1024).map((_, i) => i & 255);
    expect(crc32(new Uint8Array(0))).toBe(0x0);
    expect(crc32(enc('a'))).toBe(0xe8b7be43);
    expect(crc32(enc('123456789'))).toBe(0xcbf43926);
    expect(crc32(enc('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(ramp)).toBe(0xb70b4c26);
    expect(crc32(new Uint8Array(1000))).toBe(0x060b1780);
  });

  it('one flipped data bit in a stored NPZ member fails its CRC-32 (before: silently wrong numbers)', () => {
    const z = Buffer.from(readFileSync('tests/unit/io/golden/stored.npz'));
    expect(readNpz(z, 'stored.npz').arrays.size).toBeGreaterThan(0);
    const [e] = listZip(z, 'stored.npz', NpzError);
    z[e!.dataStart + e!.compressedSize - 3]! ^= 0x10; // last bytes: array data, not the header
    expect(() => readNpz(z, 'stored.npz')).toThrow(/stored\.npz: member '.*' fails its CRC-32 check/);
  });

  it('a flipped bit in a deflated fixture member is refused', () => {
    const z = Buffer.from(readFileSync('fixtures/dense-N64.npz'));
    const entries = listZip(z, 'dense-N64.npz', NpzError);
    const big = entries.reduce((a, b) => (b.compressedSize > a.compressedSize ? b : a));
    z[big.dataStart + (big.compressedSize >> 1)]! ^= 0x01;
    expect(() => readNpz(z, 'dense-N64.npz')).toThrow(NpzError);
  });

  /** An archive whose central directory lists the same deflated data `copies` times. */
  function overlapping(copies: number): Buffer {
    const zeros = writeNpy(f32(new Float32Array(2 ** 18), [2 ** 18]));
    const one = Buffer.from(zipSync({ 'a.npy': [zeros, { level: 9 }] }));
    const cdOff = one.readUInt32LE(one.length - 22 + 16);
    const entry = one.subarray(cdOff, one.length - 22);
    const cds: Buffer[] = [];
    for (let i = 0; i < copies; i++) {
      const e = Buffer.from(entry);
      e.write(String.fromCharCode(97 + (i % 26)), 46, 'latin1'); // distinct one-letter names: a.npy, b.npy, …
      if (i >= 26) e.write(String.fromCharCode(65 + ((i / 26) | 0)), 46, 'latin1');
      cds.push(e);
    }
    const cd = Buffer.concat(cds);
    const eocd = Buffer.from(one.subarray(one.length - 22));
    eocd.writeUInt16LE(copies, 8);
    eocd.writeUInt16LE(copies, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(cdOff, 16);
    return Buffer.concat([one.subarray(0, cdOff), cd, eocd]);
  }

  it('overlapping entries are refused before anything is inflated (before: 0.94 MB → 2.15 GB RSS)', () => {
    const z = overlapping(40);
    expect(z.length).toBeLessThan(20_000);
    const rss0 = process.memoryUsage().rss;
    expect(() => readNpz(z, 'bomb.npz')).toThrow(
      /bomb\.npz: member 'b\.npy' is out of order: it starts at byte 0, before 'a\.npy'|overlap/,
    );
    expect(() => decodeBundle(z, 'bomb.zip')).rejects.toThrow(BundleError);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(64 * 2 ** 20);
  });

  it('entries out of file order and entries sharing bytes are refused by name', () => {
    const two = Buffer.from(
      zipSync({
        'a.npy': [writeNpy(f32(Float32Array.of(1), [1])), { level: 0 }],
        'b.npy': [writeNpy(f32(Float32Array.of(2), [1])), { level: 0 }],
      }),
    );
    expect(readNpz(two, 'ok.npz').arrays.size).toBe(2);
    // Swap the two central directory entries (same lengths): b is listed first but stored second.
    const cdOff = two.readUInt32LE(two.length - 22 + 16);
    const cdLen = two.readUInt32LE(two.length - 22 + 12);
    const half = cdLen / 2;
    const swapped = Buffer.concat([
      two.subarray(0, cdOff),
      two.subarray(cdOff + half, cdOff + cdLen),
      two.subarray(cdOff, cdOff + half),
      two.subarray(cdOff + cdLen),
    ]);
    expect(() => readNpz(swapped, 'swap.npz')).toThrow(/swap\.npz: member 'a\.npy' is out of order/);
    // Point b's entry into the middle of a's data.
    const shared = Buffer.from(two);
    shared.writeUInt32LE(10, cdOff + half + 42);
    expect(() => readNpz(shared, 'shared.npz')).toThrow(
      /shared\.npz: member 'b\.npy': no local header|overlap/,
    );
  });
});

describe('NPY shapes', () => {
  const npy = (shape: string): Uint8Array => {
    let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
    dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
    const out = new Uint8Array(10 + dict.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(out.buffer).setUint16(8, dict.length, true);
    for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
    return out;
  };
  it.each(['(1e200, 1e200, 0)', '(-1,)', '(3.0,)', '(0x10,)', '(Infinity, 0)', '(NaN,)'])(
    'shape %s is refused',
    (shape) => {
      expect(() => readNpy(npy(shape), 'x.npy')).toThrow(NpyError);
      expect(() => readNpy(npy(shape), 'x.npy')).toThrow(
        /x\.npy: bad dimension .* \(expected a non-negative integer\)/,
      );
    },
  );
  it('a shape whose product overflows is refused; (0,) and () still read', () => {
    expect(() => readNpy(npy('(4294967296, 4294967296, 4294967296)'), 'x.npy')).toThrow(
      /holds more elements than any array can/,
    );
    expect(readNpy(npy('(0,)'), 'x.npy').shape).toEqual([0]);
  });
});

describe('bundle JSON and safetensors headers', () => {
  const manifest = strToU8(
    JSON.stringify({ models: ['diffraction_to_obj'], version: '1.0', backend: 'onnx' }),
  );
  const params = (over: Record<string, unknown>): Uint8Array =>
    strToU8(
      JSON.stringify({
        N: 64,
        gridsize: 1,
        intensity_scale: 1,
        probe: { re: new Array(4096).fill(0), im: new Array(4096).fill(0) },
        config: {},
        ...over,
      }),
    );
  const bundle = (p: Uint8Array | string): Uint8Array =>
    zipSync({
      'manifest.json': manifest,
      'diffraction_to_obj/model.onnx': new Uint8Array(4),
      'diffraction_to_obj/params.json': typeof p === 'string' ? strToU8(p) : p,
    });
  const read = (b: Uint8Array): Promise<unknown> =>
    decodeBundle(b, 'm.zip', { models: ['diffraction_to_obj'], checkOnnx: false });

  it('a "NaN" string in the probe is refused, naming the field (before: NaN, inference ran)', async () => {
    const re: unknown[] = new Array(4096).fill(0);
    re[17] = 'NaN';
    await expect(read(bundle(params({ probe: { re, im: new Array(4096).fill(0) } })))).rejects.toThrow(
      /m\.zip: diffraction_to_obj\/params\.json: probe\.re\[17\]: .*expected number/,
    );
  });

  it('deeply nested JSON is refused with a clean error (before: RangeError while building the message)', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    for (const text of [`{"N": 64, "gridsize": 1, "version": ${deep}}`, `{"N": ${deep}}`]) {
      const e = await read(bundle(text)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(BundleError);
      expect((e as Error).message).toMatch(/params\.json: JSON nested 20000\d levels deep \(limit 64\)/);
    }
  });

  it.each([
    ['null header', 'null', /header must be a JSON object of tensor entries, found null/],
    ['list header', '[1,2]', /header must be a JSON object/],
    ['null entry', '{"w": null}', /tensor "w": \(root\): /],
    [
      'data_offsets not a list',
      '{"w": {"dtype": "F32", "shape": [1], "data_offsets": 4}}',
      /tensor "w": data_offsets: /,
    ],
    [
      'shape of strings',
      '{"w": {"dtype": "F32", "shape": ["1"], "data_offsets": [0, 4]}}',
      /tensor "w": shape\[0\]: /,
    ],
    ['metadata not strings', '{"__metadata__": {"a": 1}}', /__metadata__ must map names to strings/],
    [
      'offsets reversed',
      '{"w": {"dtype": "F32", "shape": [0], "data_offsets": [4, 0]}}',
      /data_offsets \[4, 0\] do not fit/,
    ],
    ['deep header', '['.repeat(5000) + ']'.repeat(5000), /nested 5000 levels deep/],
  ])('safetensors %s → EngineError', (_n, header, msg) => {
    const h = strToU8(header);
    const b = new Uint8Array(8 + h.length + 4);
    new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
    b.set(h, 8);
    expect(() => checkSafetensors(b)).toThrow(EngineError);
    expect(() => readSafetensors(b)).toThrow(msg);
  });

  it('overlapping tensors are refused; a written file reads back', () => {
    const good = writeSafetensors({
      a: { shape: [2], data: Float32Array.of(1, 2) },
      b: { shape: [1], data: Float32Array.of(3) },
    });
    expect(readSafetensors(good).tensors.b!.data[0]).toBe(3);
    const h = strToU8(
      JSON.stringify({
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
      }),
    );
    const b = new Uint8Array(8 + h.length + 8);
    new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
    b.set(h, 8);
    expect(() => readSafetensors(b)).toThrow(/tensors "a" and "b" overlap/);
  });
});

describe('metadata JSON in an NPZ', () => {
  it('deeply nested _metadata is skipped with a reason; the arrays still load', () => {
    const deep = '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    const z = zipSync({
      'x.npy': writeNpy(f32(Float32Array.of(1), [1])),
      '_metadata.npy': writeNpyString(deep),
    });
    const r = readNpz(z, 'm.npz');
    expect(r.arrays.get('x')!.data[0]).toBe(1);
    expect(r.metadata).toBeNull();
    expect(r.skipped.get('_metadata')).toMatch(/JSON nested 100001 levels deep/);
  });
});
