#!/usr/bin/python3
"""Golden NPY/NPZ files written by numpy, committed so tests check our codec byte-for-byte.
Run once with Debian's numpy: /usr/bin/python3 make_golden.py (output is deterministic:
numpy stamps zip members with a fixed 1980 date)."""
import json, numpy as np, os
os.chdir(os.path.dirname(os.path.abspath(__file__)))
a = np.arange(12, dtype='<f4').reshape(3, 4) / 7
np.save('f4_c.npy', a)
np.save('f4_fortran.npy', np.asfortranarray(a))
np.save('f8_be.npy', (np.arange(6, dtype='>f8') - 2.5).reshape(2, 3))
np.save('c8.npy', (np.arange(4) + 1j * np.arange(4)[::-1]).astype('<c8').reshape(2, 2))
np.save('c16.npy', np.array([1 + 2j, -3.5 - 0.25j], dtype='<c16'))
np.save('u1.npy', np.array([0, 1, 255], dtype='u1'))
np.save('u2.npy', np.array([[0, 65535], [1234, 7]], dtype='<u2'))
np.save('i4.npy', np.array([-2, 0, 2147483647], dtype='<i4'))
np.save('i8.npy', np.array([-(2**40), 3], dtype='<i8'))
np.save('b1.npy', np.array([True, False, True]))
np.save('scalar.npy', np.float64(3.25))
np.save('empty.npy', np.zeros((0, 3), dtype='<f4'))
np.save('object.npy', np.array([{'a': 1}], dtype=object), allow_pickle=True)
meta = json.dumps({'physics_parameters': {'nphotons': 1e9}, 'N': 4})
np.savez('stored.npz', a=a, b=np.arange(3, dtype='<i8'), _metadata=np.array(meta, dtype=object))
np.savez_compressed('compressed.npz', a=a, z=np.array([1 + 1j], dtype='<c8'), _metadata=np.array(meta))

# More layouts: 3-D Fortran order, big-endian complex and integers, format versions 2.0 and 3.0.
np.save('u2_fortran3d.npy', np.asfortranarray((np.arange(24, dtype='<u2') * 7).reshape(2, 3, 4)))
np.save('c8_be.npy', np.array([1.5 - 2j, 0.25 + 8j], dtype='>c8'))
np.save('i4_be.npy', np.array([-7, 65536], dtype='>i4'))
with open('f4_v2.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=(2, 0))
with open('f4_v3.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=(3, 0))
# A small scan laid out as PtychoPINN's simulator writes it: diff3d (float32 amplitudes), complex64
# probe and object, float64 coordinates, int64 scan_index, _metadata as a pickled 0-d object array.
# Values are exact binary fractions so the test can recompute them bit for bit.
M, N = 3, 64
i = np.arange(M * N * N)
diff = (((i * 37) % 256) / 512).astype('<f4').reshape(M, N, N)
yy, xx = np.mgrid[0:N, 0:N]
probe = (((xx % 8) + 1j * (yy % 4)) / 8).astype('<c8')
obj = np.full((100, 100), 0.5 + 0.25j, dtype='<c8')
np.savez_compressed('ptychopinn_scan.npz', diff3d=diff, probeGuess=probe, objectGuess=obj,
                    xcoords=np.array([40.0, 50.5, 60.25]), ycoords=np.array([45.0, 45.0, 55.0]),
                    xcoords_start=np.array([40.0, 50.0, 60.0]), ycoords_start=np.array([45.0, 45.0, 55.0]),
                    scan_index=np.zeros(M, dtype='<i8'),
                    _metadata=np.array(json.dumps({'physics_parameters': {'nphotons': 1e6}, 'N': 64}), dtype=object))
# Hostile: a pickled object array where the diffraction patterns should be.
np.savez('object_member.npz', diffraction=np.array([{'a': 1}], dtype=object), xcoords=np.zeros(1))
