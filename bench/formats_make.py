#!/usr/bin/env python3
"""A 10,000-pattern CXI (N 64, uint32 Poisson counts) for bench/formats.ts, written to /tmp (not committed).
Usage: /usr/bin/python3 bench/formats_make.py [/tmp/bench10k.cxi] [lzf|none]"""
import sys
import numpy as np
import h5py
out = sys.argv[1] if len(sys.argv) > 1 else '/tmp/bench10k.cxi'
comp = (sys.argv[2] if len(sys.argv) > 2 else 'none')
M, N = 10_000, 64
rng = np.random.default_rng(0)
yy, xx = np.mgrid[:N, :N] - N / 2
base = 1e4 * np.exp(-(xx ** 2 + yy ** 2) / 50.0)
kw = dict(compression='lzf', chunks=(1, N, N)) if comp == 'lzf' else {}
with h5py.File(out, 'w') as f:
    d = f.create_dataset('/entry_1/data_1/data', shape=(M, N, N), dtype='u4', **kw)
    for m in range(0, M, 1000):
        d[m:m + 1000] = rng.poisson(base, size=(1000, N, N)).astype(np.uint32)
    side = int(np.ceil(np.sqrt(M)))
    t = np.zeros((M, 3))
    t[:, 0] = (np.arange(M) % side) * 2e-7
    t[:, 1] = (np.arange(M) // side) * 2e-7
    f['/entry_1/data_1/translation'] = t
    f['/entry_1/instrument_1/source_1/energy'] = 8000 * 1.602176634e-19
    f['/entry_1/instrument_1/detector_1/distance'] = 2.0
    f['/entry_1/instrument_1/detector_1/x_pixel_size'] = 75e-6
    f['/entry_1/instrument_1/detector_1/y_pixel_size'] = 75e-6
print(out)
