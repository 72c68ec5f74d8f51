/**
 * The probe on the grid the detector operations leave. A probe stored with the raw frames lives on
 * the real-space grid of those frames (pixel λz/(H·Δx), field of view λz/Δx). Binning the detector
 * b×b makes Δx b times larger: the pixel stays, the field of view shrinks b times, so the probe is
 * cut to its central (H/b)×(W/b). Centre-cropping the frames to n×n keeps Δx: the field of view
 * stays and the pixel grows H/n times, so the probe is resampled by keeping the same central n×n
 * of its far field (a Fourier crop). Its far field then equals the cropped detector's.
 */
import { fft2, ifft2 } from '../../../numerics/fft2';
import type { ComplexImage } from '../dataset';

/** Central h×w of an image (rows/cols from floor((H − h)/2), as the detector crop). */
export function centralCrop(p: ComplexImage, h: number, w: number): ComplexImage {
  const r0 = Math.floor((p.height - h) / 2);
  const c0 = Math.floor((p.width - w) / 2);
  const re = new Float32Array(h * w);
  const im = new Float32Array(h * w);
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      re[r * w + c] = p.re[(r0 + r) * p.width + c0 + c]!;
      im[r * w + c] = p.im[(r0 + r) * p.width + c0 + c]!;
    }
  return { re, im, width: w, height: h };
}

/**
 * Resample to h×w by keeping the central h×w of the fftshifted far field (the rows/cols the
 * detector crop keeps), scaled by (h·w)/(H·W) so a constant probe keeps its value.
 */
export function fourierCrop(p: ComplexImage, h: number, w: number): ComplexImage {
  const { width: W, height: H } = p;
  const F = fft2(W, H, p.re, p.im);
  const r0 = Math.floor((H - h) / 2);
  const c0 = Math.floor((W - w) / 2);
  const mod = (a: number, n: number): number => ((a % n) + n) % n;
  const re = new Float64Array(h * w);
  const im = new Float64Array(h * w);
  for (let k = 0; k < h; k++) {
    const src = mod(r0 + mod(k + Math.floor(h / 2), h) - Math.floor(H / 2), H);
    for (let l = 0; l < w; l++) {
      const scol = mod(c0 + mod(l + Math.floor(w / 2), w) - Math.floor(W / 2), W);
      re[k * w + l] = F.re[src * W + scol]!;
      im[k * w + l] = F.im[src * W + scol]!;
    }
  }
  const out = ifft2(w, h, re, im);
  const s = (h * w) / (H * W);
  return {
    re: Float32Array.from(out.re, (v) => v * s),
    im: Float32Array.from(out.im, (v) => v * s),
    width: w,
    height: h,
  };
}

/** The probe of H×W frames after binning `bin`×`bin` then a centre crop to N×N; null when it is on another grid. */
export function probeAfterFrameOps(
  p: ComplexImage,
  frames: { H: number; W: number; bin: number },
  N: number,
): ComplexImage | null {
  if (p.height !== frames.H || p.width !== frames.W) return null;
  const b = frames.bin > 1 ? frames.bin : 1;
  const q = b > 1 ? centralCrop(p, p.height / b, p.width / b) : p;
  return q.height === N && q.width === N ? q : fourierCrop(q, N, N);
}
