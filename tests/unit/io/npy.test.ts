import { describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { zipSync } from 'fflate';
import { readNpy, writeNpy } from '../../../compute/io/npy';
import { encodeNpz, readNpz, writeNpz } from '../../../compute/io/npz';
import type { AnyNdArray } from '../../../compute/io/ndarray';

const golden = (f: string): Uint8Array => readFileSync(new URL(`./golden/${f}`, import.meta.url));

describe('NPY codec against numpy-written files', () => {
  const f4 = Float32Array.from({ length: 12 }, (_, i) => Math.fround(i / 7));
  it('reads C and Fortran order identically', () => {
    for (const f of ['f4_c.npy', 'f4_fortran.npy']) {
      const a = readNpy(golden(f), f);
      expect(a.dtype).toBe('float32');
      expect(a.shape).toEqual([3, 4]);
      expect(Array.from(a.data as Float32Array)).toEqual(Array.from(f4));
    }
  });
  it('reads every supported dtype bit-exactly, big-endian too', () => {
    expect(readNpy(golden('f8_be.npy'))).toEqual({
      dtype: 'float64',
      shape: [2, 3],
      data: Float64Array.from([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]),
    });
    expect(readNpy(golden('c8.npy'))).toEqual({
      dtype: 'complex64',
      shape: [2, 2],
      data: Float32Array.from([0, 3, 1, 2, 2, 1, 3, 0]),
    });
    expect(readNpy(golden('c16.npy'))).toEqual({
      dtype: 'complex128',
      shape: [2],
      data: Float64Array.from([1, 2, -3.5, -0.25]),
    });
    expect(readNpy(golden('u1.npy'))).toEqual({
      dtype: 'uint8',
      shape: [3],
      data: Uint8Array.from([0, 1, 255]),
    });
    expect(readNpy(golden('u2.npy'))).toEqual({
      dtype: 'uint16',
      shape: [2, 2],
      data: Uint16Array.from([0, 65535, 1234, 7]),
    });
    expect(readNpy(golden('i4.npy'))).toEqual({
      dtype: 'int32',
      shape: [3],
      data: Int32Array.from([-2, 0, 2147483647]),
    });
    expect(readNpy(golden('i8.npy'))).toEqual({
      dtype: 'int64',
      shape: [2],
      data: BigInt64Array.from([-(2n ** 40n), 3n]),
    });
    expect(readNpy(golden('b1.npy'))).toEqual({
      dtype: 'bool',
      shape: [3],
      data: Uint8Array.from([1, 0, 1]),
    });
    expect(readNpy(golden('scalar.npy'))).toEqual({
      dtype: 'float64',
      shape: [],
      data: Float64Array.from([3.25]),
    });
    expect(readNpy(golden('empty.npy'))).toEqual({
      dtype: 'float32',
      shape: [0, 3],
      data: new Float32Array(0),
    });
  });
  it('writes byte-identical files to numpy for little-endian C-order arrays', () => {
    for (const f of [
      'f4_c.npy',
      'c8.npy',
      'c16.npy',
      'u2.npy',
      'i4.npy',
      'i8.npy',
      'scalar.npy',
      'empty.npy',
    ]) {
      const bytes = golden(f);
      expect(Buffer.from(writeNpy(readNpy(bytes)))).toEqual(Buffer.from(bytes));
    }
  });
  it('refuses pickles, wrong magic, truncation, lying headers and unknown dtypes with the file named', () => {
    expect(() => readNpy(golden('object.npy'), 'obj.npy')).toThrow(
      /obj\.npy: object or structured arrays .* refused/,
    );
    expect(() => readNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x.npy')).toThrow(
      /x\.npy: not an \.npy file/,
    );
    const f = golden('f4_c.npy');
    expect(() => readNpy(f.subarray(0, f.length - 4), 'cut.npy')).toThrow(
      /cut\.npy: header says shape \(3, 4\).*48 bytes.*44 bytes/,
    );
    const lie = Buffer.from(f);
    lie.write('(3, 5)', lie.indexOf('(3, 4)'), 'latin1');
    expect(() => readNpy(lie, 'lie.npy')).toThrow(/header lies/);
    const bad = Buffer.from(f);
    bad.write("'<f2'", bad.indexOf("'<f4'"), 'latin1');
    expect(() => readNpy(bad, 'f2.npy')).toThrow(/unsupported dtype '<f2'/);
  });
});

describe('NPZ', () => {
  it('reads numpy savez (stored) and savez_compressed archives including _metadata', () => {
    for (const f of ['stored.npz', 'compressed.npz']) {
      const z = readNpz(golden(f), f);
      expect(z.metadata).toEqual({ physics_parameters: { nphotons: 1e9 }, N: 4 });
      expect(z.arrays.get('a')!.shape).toEqual([3, 4]);
    }
    expect(readNpz(golden('stored.npz')).arrays.get('b')).toEqual({
      dtype: 'int64',
      shape: [3],
      data: BigInt64Array.from([0n, 1n, 2n]),
    });
    expect(readNpz(golden('compressed.npz')).arrays.get('z')).toEqual({
      dtype: 'complex64',
      shape: [1],
      data: Float32Array.from([1, 1]),
    });
  });
  it('round-trips arrays and metadata through an atomic write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npz-'));
    const arrays: Record<string, AnyNdArray> = {
      x: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) },
      c: { dtype: 'complex64', shape: [1], data: Float32Array.from([0.5, -0.5]) },
    };
    const path = join(dir, 'out.npz');
    writeNpz(path, arrays, { compress: true, metadata: { hello: 'wörld', n: 3 } });
    const back = readNpz(path);
    expect(back.arrays.get('x')).toEqual(arrays.x);
    expect(back.arrays.get('c')).toEqual(arrays.c);
    expect(back.metadata).toEqual({ hello: 'wörld', n: 3 });
    expect(readdirSync(dir)).toEqual(['out.npz']);
  });
  it('refuses truncated archives, non-zips, and zip bombs before inflating', () => {
    const good = encodeNpz(
      { x: { dtype: 'float32', shape: [1000], data: new Float32Array(1000) } },
      { compress: true },
    );
    expect(() => readNpz(good.subarray(0, good.length - 30), 't.npz')).toThrow(
      /t\.npz: corrupt or truncated zip/,
    );
    expect(() => readNpz(new Uint8Array([1, 2, 3, 4, 5]), 'n.npz')).toThrow(
      /n\.npz: not an NPZ\/zip archive/,
    );
    expect(() => readNpz(golden('f4_c.npy'), 'a.npz')).toThrow(/single \.npy array/);
    const bomb = Buffer.from(zipSync({ 'x.npy': [new Uint8Array(64), { level: 9 }] }));
    // Forge the declared uncompressed size in the local header (offset 22) and central directory (offset 24).
    bomb.writeUInt32LE(0xfffffff0, bomb.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04])) + 22);
    bomb.writeUInt32LE(0xfffffff0, bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24);
    const dir = mkdtempSync(join(tmpdir(), 'bomb-'));
    writeFileSync(join(dir, 'b.npz'), bomb);
    expect(() => readNpz(join(dir, 'b.npz'))).toThrow(
      /b\.npz: member 'x\.npy' (declares \d+ bytes|claims a \d+:1 compression ratio)/,
    );
    expect(existsSync(join(dir, 'x.npy'))).toBe(false);
    expect(() => readNpz(join(dir, 'missing.npz'))).toThrow(/missing\.npz: file not found/);
  });
});
