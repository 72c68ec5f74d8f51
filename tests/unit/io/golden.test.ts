/** More numpy-written files: layouts, format versions, a PtychoPINN-style scan, a hostile member. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readNpy, writeNpy } from '../../../compute/io/npy';
import { readNpz } from '../../../compute/io/npz';
import { loadRawDataset } from '../../../compute/ptycho/data/dataset';

const path = (f: string): string => fileURLToPath(new URL(`./golden/${f}`, import.meta.url));
const golden = (f: string): Uint8Array => readFileSync(path(f));

describe('numpy golden files, part 2', () => {
  it('reads 3-D Fortran order, big-endian complex/int and format versions 2.0 and 3.0', () => {
    expect(readNpy(golden('u2_fortran3d.npy'))).toEqual({
      dtype: 'uint16',
      shape: [2, 3, 4],
      data: Uint16Array.from({ length: 24 }, (_, i) => i * 7),
    });
    expect(readNpy(golden('c8_be.npy'))).toEqual({
      dtype: 'complex64',
      shape: [2],
      data: Float32Array.from([1.5, -2, 0.25, 8]),
    });
    expect(readNpy(golden('i4_be.npy'))).toEqual({
      dtype: 'int32',
      shape: [2],
      data: Int32Array.from([-7, 65536]),
    });
    const v1 = readNpy(golden('f4_c.npy'));
    for (const f of ['f4_v2.npy', 'f4_v3.npy']) expect(readNpy(golden(f), f)).toEqual(v1);
    // Written back as numpy's default v1.0, C order, little-endian.
    expect(Buffer.from(writeNpy(readNpy(golden('f4_v2.npy'))))).toEqual(Buffer.from(golden('f4_c.npy')));
    expect(Buffer.from(writeNpy(readNpy(golden('u1.npy'))))).toEqual(Buffer.from(golden('u1.npy')));
    expect(Buffer.from(writeNpy(readNpy(golden('b1.npy'))))).toEqual(Buffer.from(golden('b1.npy')));
  });

  it('loads a PtychoPINN-layout scan written by numpy bit-exactly', () => {
    const raw = loadRawDataset(path('ptychopinn_scan.npz'));
    expect([raw.M, raw.N, raw.diffractionKey]).toEqual([3, 64, 'diff3d']);
    const expected = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => ((i * 37) % 256) / 512);
    expect(Buffer.from(raw.diffraction.buffer)).toEqual(Buffer.from(expected.buffer));
    expect(Array.from(raw.xcoords)).toEqual([40, 50.5, 60.25]);
    expect(Array.from(raw.xcoordsStart)).toEqual([40, 50, 60]);
    expect(raw.probe!.re[3 * 64 + 5]).toBe(5 / 8);
    expect(raw.probe!.im[3 * 64 + 5]).toBe(3 / 8);
    expect([
      raw.objectGuess!.width,
      raw.objectGuess!.height,
      raw.objectGuess!.re[0],
      raw.objectGuess!.im[0],
    ]).toEqual([100, 100, 0.5, 0.25]);
    expect(raw.metadata).toEqual({ physics_parameters: { nphotons: 1e6 }, N: 64 });
  });

  it('refuses a pickled object array where the patterns should be, naming file and member', () => {
    expect(() => readNpz(path('object_member.npz'))).toThrow(
      /object_member\.npz:diffraction: object or structured arrays .* refused/,
    );
  });

  it('refuses a header that claims fewer values than the data hold', () => {
    const f = Buffer.from(golden('f4_c.npy'));
    f.write('(3, 3)', f.indexOf('(3, 4)'), 'latin1');
    expect(() => readNpy(f, 'short.npy')).toThrow(
      /short\.npy: header says shape \(3, 3\).*36 bytes, but 48 bytes of data follow/,
    );
  });
});
