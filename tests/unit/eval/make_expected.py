#!/usr/bin/env python3
"""Regenerates the evaluation fixtures and their independently computed expected values.

Run with Debian's interpreter (python3-numpy, python3-scipy, python3-skimage):

    /usr/bin/python3 tests/unit/eval/make_expected.py

Writes tests/unit/eval/fixtures/*.f64 (little-endian float64, row-major, shapes in the sidecar)
and tests/unit/eval/fixtures/expected.json. Reference values come from scikit-image
(structural_similarity, peak_signal_noise_ratio, phase_cross_correlation), scipy.ndimage
(gaussian_filter, gaussian_filter1d) and plain numpy for the documented algorithms that have
no library implementation (PtychoPINN's MS-SSIM, the ring-binned FRC, the OpenCV PSNR formula,
the least-squares phase plane via numpy.linalg.lstsq).
"""
import json
import os
import sys

import numpy as np
import scipy
import skimage
from scipy.ndimage import gaussian_filter, gaussian_filter1d
from scipy.signal.windows import hann
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from skimage.registration import phase_cross_correlation

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")
DBL_EPSILON = np.finfo(np.float64).eps
MS_WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]


def save(name, arr):
    arr = np.ascontiguousarray(arr, dtype="<f8")
    arr.tofile(os.path.join(OUT, name + ".f64"))
    return {"file": name + ".f64", "shape": list(arr.shape)}


def normalise(a):
    return (a - a.min()) / (a.max() - a.min())


def fourier_shift(img, dy, dx):
    ky = np.fft.fftfreq(img.shape[0])[:, None]
    kx = np.fft.fftfreq(img.shape[1])[None, :]
    return np.fft.ifft2(np.fft.fft2(img) * np.exp(-2j * np.pi * (dy * ky + dx * kx)))


def psnr_opencv(ref, test, peak=255.0):
    # cv2.PSNR: 20*log10(R / (sqrt(mean squared difference) + DBL_EPSILON))
    return float(20 * np.log10(peak / (np.sqrt(np.mean((ref - test) ** 2)) + DBL_EPSILON)))


def ssim_gauss(a, b, data_range):
    return float(structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
                                       use_sample_covariance=False, data_range=data_range))


def ssim_default(a, b, data_range):
    return float(structural_similarity(a, b, data_range=data_range))


def ms_ssim(a, b, sigma=0.0, levels=5):
    """PtychoPINN's documented MS-SSIM (reference/ptychopinn.md section 6)."""
    if sigma > 0:
        a = gaussian_filter(a, sigma)
        b = gaussian_filter(b, sigma)
    data_range = max(np.ptp(a), np.ptp(b))
    val = 1.0
    per_level = []
    for level in range(levels):
        s = ssim_default(a, b, data_range)
        per_level.append(s)
        if np.isnan(s):
            return 0.0, per_level
        if s < 0:
            s = 1e-4
        val *= s ** MS_WEIGHTS[level]
        if level < levels - 1:
            a = a[::2, ::2]
            b = b[::2, ::2]
            if min(a.shape) < 7:
                break
    return float(val), per_level


def frc_curve(a, b):
    """Ring-binned FRC on the centre-cropped square (PtychoPINN's FRC module semantics)."""
    n = min(a.shape)
    r0 = (a.shape[0] - n) // 2
    c0 = (a.shape[1] - n) // 2
    a = a[r0:r0 + n, c0:c0 + n]
    b = b[r0:r0 + n, c0:c0 + n]
    F1 = np.fft.fftshift(np.fft.fft2(a))
    F2 = np.fft.fftshift(np.fft.fft2(b))
    centre = n // 2
    yy, xx = np.meshgrid(np.arange(n) - centre, np.arange(n) - centre, indexing="ij")
    ring = np.round(np.sqrt(yy ** 2 + xx ** 2)).astype(int)
    nr = ring.max() + 1
    cross = np.bincount(ring.ravel(), (F1 * np.conj(F2)).real.ravel(), nr) + \
        1j * np.bincount(ring.ravel(), (F1 * np.conj(F2)).imag.ravel(), nr)
    p1 = np.bincount(ring.ravel(), (np.abs(F1) ** 2).ravel(), nr)
    p2 = np.bincount(ring.ravel(), (np.abs(F2) ** 2).ravel(), nr)
    count = np.bincount(ring.ravel(), minlength=nr)
    frc = np.abs(cross) / np.sqrt(p1 * p2)
    s = np.sqrt(count)
    half_bit = (0.2071 + 1.9102 / s) / (1.2071 + 0.9102 / s)
    return n, frc, count, half_bit


def crossing(curve, threshold):
    t = np.broadcast_to(np.asarray(threshold, dtype=float), curve.shape)
    below = np.where(curve < t)[0]
    legacy = int(below[0]) if len(below) else len(curve)
    if len(below) == 0:
        return None, legacy
    k = int(below[0])
    if k == 0:
        return 0.0, legacy
    d0 = curve[k - 1] - t[k - 1]
    d1 = curve[k] - t[k]
    return float((k - 1) + d0 / (d0 - d1)), legacy


def frc_summary(a, b):
    n, frc, count, half_bit = frc_curve(a, b)
    out = {"n": int(n), "frc": frc.tolist(), "pixels_per_ring": count.tolist(), "half_bit": half_bit.tolist()}
    for key, thr in (("frc50", 0.5), ("frc1over7", 1 / 7), ("half_bit_crossing", half_bit)):
        ring, legacy = crossing(frc, thr)
        out[key] = {"ring": ring, "legacy": legacy}
    return out


def lstsq_plane_remove(p):
    h, w = p.shape
    y, x = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    A = np.column_stack([x.ravel(), y.ravel(), np.ones(h * w)])
    coeffs, *_ = np.linalg.lstsq(A, p.ravel(), rcond=None)
    return p - (coeffs[0] * x + coeffs[1] * y + coeffs[2]), coeffs.tolist()


def component(gt, rec, kind, ms_sigma):
    out = {
        "mae": float(np.mean(np.abs(gt - rec))),
        "mse": float(np.mean((gt - rec) ** 2)),
        "psnr_data_range": float(np.ptp(gt)),
        "psnr_db": float(peak_signal_noise_ratio(gt, rec, data_range=np.ptp(gt))),
        "psnr_255_db": psnr_opencv(gt, rec),
    }
    if kind == "phase":
        g, r, dr = (gt + np.pi) / (2 * np.pi), (rec + np.pi) / (2 * np.pi), 1.0
    else:
        g, r, dr = gt, rec, float(np.ptp(gt))
    out["ssim_gaussian"] = ssim_gauss(g, r, dr)
    out["ssim_default"] = ssim_default(g, r, dr)
    out["ms_ssim"], out["ms_ssim_levels"] = ms_ssim(g, r, sigma=ms_sigma)
    out["frc"] = frc_summary(gt, rec)
    return out


def pipeline(recon, gt, cy, cx, M=20, phase_align="plane", ms_sigma=1.0, register=True):
    rr = M // 2
    row0 = max(0, int(cy.min()) - rr)
    row1 = min(gt.shape[0], int(cy.max()) + rr)
    col0 = max(0, int(cx.min()) - rr)
    col1 = min(gt.shape[1], int(cx.max()) + rr)
    g = gt[row0:row1, col0:col1]
    th, tw = min(recon.shape[0], g.shape[0]), min(recon.shape[1], g.shape[1])

    def cc(img):
        s0 = (img.shape[0] - th) // 2
        s1 = (img.shape[1] - tw) // 2
        return img[s0:s0 + th, s1:s1 + tw]

    r, g = cc(recon), cc(g)
    common = list(r.shape)
    shift = None
    if register:
        shift = phase_cross_correlation(np.abs(g), np.abs(r), upsample_factor=50)[0]
        r = fourier_shift(r, shift[0], shift[1])[2:-2, 2:-2]
        g = g[2:-2, 2:-2]
        shift = [float(shift[0]), float(shift[1])]
    r, g = r[2:-2, 2:-2], g[2:-2, 2:-2]
    phi_r, phi_g = np.angle(r), np.angle(g)
    if phase_align == "plane":
        phi_r, plane_r = lstsq_plane_remove(phi_r)
        phi_g, plane_g = lstsq_plane_remove(phi_g)
    else:
        plane_r = plane_g = None
        phi_r, phi_g = phi_r - phi_r.mean(), phi_g - phi_g.mean()
    amp_g = np.abs(g)
    scale = float(np.mean(amp_g) / np.mean(np.abs(r)))
    amp_r = np.abs(r) * scale
    return {
        "scan_box": [row0, row1, col0, col1],
        "common_shape": common,
        "shift": shift,
        "evaluated_shape": list(amp_g.shape),
        "amplitude_scale": scale,
        "plane_recon": plane_r,
        "plane_gt": plane_g,
        "amplitude": component(amp_g, amp_r, "amplitude", ms_sigma),
        "phase": component(phi_g, phi_r, "phase", 0.0),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    exp = {"generator": "tests/unit/eval/make_expected.py",
           "versions": {"python": sys.version.split()[0], "numpy": np.__version__,
                        "scipy": scipy.__version__, "skimage": skimage.__version__}}

    # ---- pair A: 64x64 real images --------------------------------------------------
    rng = np.random.default_rng(7)
    # smooth structure plus a little white texture, so every FRC ring carries power well above
    # the FFT rounding floor
    a = 0.2 + normalise(gaussian_filter(rng.standard_normal((64, 64)), 2.0, mode="wrap")) \
        + 0.03 * rng.standard_normal((64, 64))
    b = 0.9 * fourier_shift(a, 0.37, -1.64).real + 0.05 + 0.04 * rng.standard_normal((64, 64))
    exp["pairA"] = {"a": save("pairA_a", a), "b": save("pairA_b", b)}
    dr = float(np.ptp(a))
    ms1, ms1_levels = ms_ssim(a, b, sigma=1.0)
    ms0, ms0_levels = ms_ssim(a, b, sigma=0.0)
    frcA = frc_summary(a, b)
    exp["pairA"]["expected"] = {
        "data_range": dr,
        "mae": float(np.mean(np.abs(a - b))),
        "mse": float(np.mean((a - b) ** 2)),
        "psnr_db": float(peak_signal_noise_ratio(a, b, data_range=dr)),
        "psnr_255_db": psnr_opencv(a, b),
        "ssim_gaussian": ssim_gauss(a, b, dr),
        "ssim_default": ssim_default(a, b, dr),
        "ssim_gaussian_range1": ssim_gauss(a, b, 1.0),
        "ms_ssim_sigma1": ms1, "ms_ssim_sigma1_levels": ms1_levels,
        "ms_ssim_sigma0": ms0, "ms_ssim_sigma0_levels": ms0_levels,
        "frc": frcA,
        "frc_smoothed_sigma2": gaussian_filter1d(np.asarray(frcA["frc"]), 2.0).tolist(),
        "shift_phase_norm": phase_cross_correlation(a, b, upsample_factor=50)[0].tolist(),
        "shift_no_norm": phase_cross_correlation(a, b, upsample_factor=50, normalization=None)[0].tolist(),
        "shift_upsample1": phase_cross_correlation(a, b, upsample_factor=1)[0].tolist(),
        "gaussian_sigma1_samples": {
            "index": [0, 1, 63, 64 * 5 + 7, 64 * 63, 64 * 64 - 1],
            "value": [float(v) for v in gaussian_filter(a, 1.0).ravel()[[0, 1, 63, 64 * 5 + 7, 64 * 63, 64 * 64 - 1]]],
        },
    }
    # scipy 'reflect' when the kernel is longer than the image (repeated reflection)
    small = np.arange(12, dtype=float).reshape(4, 3) ** 1.5
    exp["small_reflect"] = {
        "input": small.ravel().tolist(), "shape": [4, 3],
        "gaussian_sigma2": gaussian_filter(small, 2.0).ravel().tolist(),
        "uniform_size7": __import__("scipy.ndimage", fromlist=["uniform_filter"]).uniform_filter(small, 7).ravel().tolist(),
    }

    # ---- pair B: 96x80 complex ground truth, 84x76 reconstruction ---------------------
    rng = np.random.default_rng(2026)
    H, W = 96, 80
    yy, xx = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    amp = 0.6 + 0.4 * normalise(gaussian_filter(rng.standard_normal((H, W)), 3.0))
    phi = 0.8 * (2 * normalise(gaussian_filter(rng.standard_normal((H, W)), 4.0)) - 1) + 0.01 * xx - 0.008 * yy
    gt = amp * np.exp(1j * phi)
    rec_full = fourier_shift(gt, 0.43, -0.71) * 1.7 * np.exp(1j * (0.3 + 0.005 * xx + 0.003 * yy))
    rec_full = gaussian_filter(rec_full.real, 0.7) + 1j * gaussian_filter(rec_full.imag, 0.7)
    rec_full = rec_full + 0.03 * (rng.standard_normal((H, W)) + 1j * rng.standard_normal((H, W)))
    recon = rec_full[6:90, 2:78]
    cy = np.concatenate([[14.3, 79.8], 14.3 + 65.5 * rng.random(30)])
    cx = np.concatenate([[12.6, 66.2], 12.6 + 53.6 * rng.random(30)])
    exp["pairB"] = {
        "gt_re": save("pairB_gt_re", gt.real), "gt_im": save("pairB_gt_im", gt.imag),
        "recon_re": save("pairB_recon_re", recon.real), "recon_im": save("pairB_recon_im", recon.imag),
        "scan_y": cy.tolist(), "scan_x": cx.tolist(),
        "expected_plane": pipeline(recon, gt, cy, cx),
        "expected_mean_noreg": pipeline(recon, gt, cy, cx, phase_align="mean", register=False),
    }
    # the windowed estimator: mean removed, symmetric Hann window, unnormalised cross-correlation
    # (iterated: shift the moving image by the running estimate and measure the residual again)
    g_c, r_c = np.abs(gt[4:88, 2:76]), np.abs(recon[:, 1:75])
    win = np.outer(hann(g_c.shape[0]), hann(g_c.shape[1]))
    total = np.zeros(2)
    passes = []
    for it in range(4):
        mov = r_c if it == 0 else fourier_shift(r_c, total[0], total[1]).real
        d = phase_cross_correlation((g_c - g_c.mean()) * win, (mov - mov.mean()) * win,
                                    upsample_factor=50, normalization=None)[0]
        total += d
        passes.append(d.tolist())
        if np.all(np.abs(d) < 0.5 / 50):
            break
    exp["pairB"]["windowed_shift_common"] = (np.round(total * 50) / 50).tolist()
    exp["pairB"]["windowed_shift_passes"] = passes
    exp["pairB"]["true_shift_common"] = [1.57, 1.71]
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(exp, f, indent=1)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
