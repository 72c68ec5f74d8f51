#!/usr/bin/python3
"""Golden NPY/NPZ files written by numpy, committed so tests check our codec byte-for-byte.
Run once with Debian's numpy: /usr/bin/python3 make_golden.py (output is deterministic)."""
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
