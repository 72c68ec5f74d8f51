#!/usr/bin/env python3
"""Golden values for tests/unit/formats/probeResample.test.ts: a probe on the raw detector
frames' grid carried through --bin b then a centre --crop N, with numpy:
bin b   -> the central (H/b, W/b) of the probe (same pixel, field of view / b)
crop N  -> keep the central N x N of fftshift(fft2(probe)) (rows from (H-N)//2), ifftshift,
           ifft2, times N*N/(H*W) (same field of view, pixel x H/N).

    /usr/bin/python3 tests/unit/formats/make_probe_resample.py > tests/unit/formats/golden/probe_resample.json
"""
import json
import numpy as np


def probe(h, w):
    r, c = np.meshgrid(np.arange(h), np.arange(w), indexing='ij')
    s = h / 6
    amp = np.exp(-((r - h / 2) ** 2 + (c - w / 2 + 3) ** 2) / (2 * s * s))
    ph = 0.002 * ((r - h / 2) ** 2 + (c - w / 2) ** 2) + 0.3 * np.sin(2 * np.pi * r / 17)
    return (amp * np.exp(1j * ph)).astype(np.complex64).astype(np.complex128)


def central(p, h, w):
    r0, c0 = (p.shape[0] - h) // 2, (p.shape[1] - w) // 2
    return p[r0:r0 + h, c0:c0 + w]


def fourier_crop(p, n):
    H, W = p.shape
    F = central(np.fft.fftshift(np.fft.fft2(p)), n, n)
    return np.fft.ifft2(np.fft.ifftshift(F)) * (n * n / (H * W))


cases = []
for H, W, b, N in [(128, 128, 1, 64), (256, 256, 2, 64), (128, 96, 1, 64)]:
    q = probe(H, W)
    if b > 1:
        q = central(q, H // b, W // b)
    q = fourier_crop(q, N)
    pts = [(0, 0), (N // 2, N // 2), (10, 50), (37, 5), (N - 1, N - 1)]
    cases.append({'H': H, 'W': W, 'bin': b, 'N': N,
                  'samples': [[r, c, float(q[r, c].real), float(q[r, c].imag)] for r, c in pts],
                  'sum_abs2': float((abs(q) ** 2).sum())})
print(json.dumps({'cases': cases}, indent=1))
