"""Reference: textbook ePIE in numpy (Maiden & Rodenburg 2009) with the known probe, for
bench/iterative.ts. Same forward model as the workstation (patch pixel (i, j) = object
(y + i - N/2, x + j - N/2), bilinear; amplitudes fftshifted, A = |FFT(P*o)|/N), written
independently in numpy. Saves the object after the requested iterations and the wall time.

usage: python3 iterative_ref.py SCAN.npz OUT_DIR ITER1,ITER2,...
"""
import json
import sys
import time

import numpy as np


def main():
    scan, out, checkpoints = sys.argv[1], sys.argv[2], sorted(int(v) for v in sys.argv[3].split(','))
    z = np.load(scan)
    amp = np.fft.ifftshift(z['diffraction'].astype(np.float64), axes=(1, 2))
    M, N, _ = amp.shape
    probe = z['probeGuess'].astype(np.complex128)
    x, y = z['xcoords'].astype(np.float64), z['ycoords'].astype(np.float64)
    t0 = time.perf_counter()
    x0 = int(np.floor(x.min() - N / 2)) - 1
    y0 = int(np.floor(y.min() - N / 2)) - 1
    W = int(np.ceil(x.max() + N / 2)) + 2 - x0
    H = int(np.ceil(y.max() + N / 2)) + 2 - y0
    bx, by = x - N / 2 - x0, y - N / 2 - y0
    ix, iy = np.floor(bx).astype(int), np.floor(by).astype(int)
    fx, fy = bx - ix, by - iy
    probe = probe * np.sqrt((amp ** 2).sum() / M / (np.abs(probe) ** 2).sum())
    obj = np.ones((H, W), np.complex128)
    pmax = (np.abs(probe) ** 2).max()
    conjp = np.conj(probe) / pmax
    rng = np.random.default_rng(0)
    times, errors = {}, []
    for it in range(1, checkpoints[-1] + 1):
        err = 0.0
        for m in rng.permutation(M):
            r, c = iy[m], ix[m]
            w = ((1 - fy[m]) * (1 - fx[m]), (1 - fy[m]) * fx[m], fy[m] * (1 - fx[m]), fy[m] * fx[m])
            win = obj[r:r + N + 1, c:c + N + 1]
            o = w[0] * win[:-1, :-1] + w[1] * win[:-1, 1:] + w[2] * win[1:, :-1] + w[3] * win[1:, 1:]
            psi = probe * o
            F = np.fft.fft2(psi)
            mod = np.abs(F)
            err += ((mod / N - amp[m]) ** 2).sum()
            F = np.where(mod > 0, F * (N * amp[m] / np.maximum(mod, 1e-300)), N * amp[m])
            d = conjp * (np.fft.ifft2(F) - psi)
            obj[r:r + N, c:c + N] += w[0] * d
            obj[r:r + N, c + 1:c + N + 1] += w[1] * d
            obj[r + 1:r + N + 1, c:c + N] += w[2] * d
            obj[r + 1:r + N + 1, c + 1:c + N + 1] += w[3] * d
        errors.append(err / (amp ** 2).sum())
        if it in checkpoints:
            times[it] = time.perf_counter() - t0
            np.save(f'{out}/epie_ref_{it}.npy', obj.astype(np.complex64))
    json.dump({'x0': x0, 'y0': y0, 'seconds': times, 'errors': errors, 'M': int(M), 'numpy': np.__version__}, open(f'{out}/epie_ref.json', 'w'))


if __name__ == '__main__':
    main()
