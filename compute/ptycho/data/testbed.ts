/**
 * A realistic test bed, built from optics rather than Gaussians (issue: PINN quality on a real
 * probe). Three pieces, each usable on its own and from `ptycho simulate`:
 *
 * - `zonePlateProbe(N)`: the field a Fresnel zone plate with a central stop makes a little
 *   out of focus: an annular pupil (outer radius `pupilRadiusPx` in detector pixels, central
 *   stop `stopRatio`) with defocus, astigmatism, coma and spherical aberration (radians at the
 *   pupil edge), propagated to the sample plane by an inverse FFT. The probe is a ring with
 *   Fresnel fringes and side lobes, not centrosymmetric, like measured FZP/KB probes.
 * - `naturalObject(size, seed)`: a specimen-like object from a projected thickness map (soft
 *   cells of many sizes with inner texture, dense particles, a 1/f² background): amplitude
 *   exp(−μ·t) and phase −δ·t plus an independent weak phase texture, so amplitude and phase
 *   contrast are correlated but not identical (X-ray: phase contrast stronger).
 * - `spiralPositions(n, stepPx, jitterPx, seed)`: a Fermat spiral (the golden-angle scan
 *   several beamlines use) with mean nearest-neighbour distance ≈ `stepPx`, each position
 *   jittered by a normal error of `jitterPx` (stage error), centred in the object.
 */
import { Rng } from '../../numerics/rng';
import { fft2InPlace } from '../../numerics/fft2';
import { filteredNoise } from './objects';
import { gaussianFilter } from '../../numerics/filters';
import type { ComplexImage } from './dataset';
import type { ProbeField } from './probe';

export interface ZonePlateOptions {
  /** Outer pupil radius in detector (Fourier) pixels; the focus is ≈ N/(2·radius) pixels wide. Default N/6.4. */
  pupilRadiusPx?: number;
  /** Central stop radius over the outer radius (default 0.4). */
  stopRatio?: number;
  /** Defocus phase at the pupil edge, radians (default 7: a ring of radius ≈ N·7/(π·radius)/… ≈ N/4.5). */
  defocus?: number;
  astigmatism?: number;
  coma?: number;
  spherical?: number;
}

export function zonePlateProbe(N: number, o: ZonePlateOptions = {}): ProbeField {
  const R = o.pupilRadiusPx ?? N / 6.4;
  const stop = o.stopRatio ?? 0.4;
  const df = o.defocus ?? 7;
  const as = o.astigmatism ?? 1.2;
  const cm = o.coma ?? 0.9;
  const sp = o.spherical ?? 0.6;
  const re = new Float64Array(N * N);
  const im = new Float64Array(N * N);
  // Pupil in FFT order (zero frequency at [0, 0]); a soft edge (one pixel) avoids pure pixel staircase.
  for (let r = 0; r < N; r++) {
    const ky = r < N / 2 ? r : r - N;
    for (let c = 0; c < N; c++) {
      const kx = c < N / 2 ? c : c - N;
      const rho = Math.hypot(kx, ky) / R;
      const edge = (v: number): number => Math.min(1, Math.max(0, v));
      const a = edge((1 - rho) * R + 0.5) * edge((rho - stop) * R + 0.5);
      if (a === 0) continue;
      const x = kx / R;
      const y = ky / R;
      const r2 = rho * rho;
      const phi = df * r2 + as * (x * x - y * y) + cm * (3 * r2 - 2) * x + sp * (6 * r2 * r2 - 6 * r2 + 1);
      re[r * N + c] = a * Math.cos(phi);
      im[r * N + c] = a * Math.sin(phi);
    }
  }
  fft2InPlace(re, im, N, N, true);
  // Centre the field (ifftshift of the sample plane) and scale to max amplitude 1.
  const outRe = new Float32Array(N * N);
  const outIm = new Float32Array(N * N);
  let max = 0;
  for (let k = 0; k < N * N; k++) max = Math.max(max, Math.hypot(re[k]!, im[k]!));
  const h = N / 2;
  for (let r = 0; r < N; r++)
    for (let c = 0; c < N; c++) {
      const src = ((r + h) % N) * N + ((c + h) % N);
      outRe[r * N + c] = re[src]! / max;
      outIm[r * N + c] = im[src]! / max;
    }
  return { re: outRe, im: outIm };
}

function smoothField(size: number, rng: Rng, exponent: number): Float64Array {
  // Power law k^(exponent/2) in amplitude with a Gaussian roll-off at size/6 cycles.
  const re = filteredNoise(size, rng, (k) =>
    k === 0 ? 0 : Math.pow(k, exponent / 2) * Math.exp(-((k / (size / 6)) ** 2)),
  );
  let s = 0;
  for (const v of re) s += v * v;
  const sd = Math.sqrt(s / re.length) || 1;
  return re.map((v) => v / sd);
}

export interface NaturalObjectOptions {
  /** Absorption: amplitude = exp(−absorption·t), t the thickness in [0, ~1.5]. Default 0.45. */
  absorption?: number;
  /** Phase shift per unit thickness in radians (default 1.6). */
  phaseShift?: number;
}

export function naturalObject(size: number, seed: number, o: NaturalObjectOptions = {}): ComplexImage {
  const rng = new Rng(seed);
  const t = new Float64Array(size * size);
  const bg = smoothField(size, rng, -2.0);
  const texture = smoothField(size, rng, -1.0);
  const phaseOnly = smoothField(size, rng, -1.5);
  // Cells: soft-edged ellipses of many sizes, each with its own inner texture strength.
  const nCells = Math.round((size * size) / 1400);
  for (let n = 0; n < nCells; n++) {
    const cx = rng.uniform() * size;
    const cy = rng.uniform() * size;
    const a = 5 + rng.uniform() ** 2 * 28;
    const b = a * (0.5 + 0.5 * rng.uniform());
    const th = rng.uniform() * Math.PI;
    const height = 0.3 + 0.6 * rng.uniform();
    const tex = 0.1 + 0.3 * rng.uniform();
    const ct = Math.cos(th);
    const st = Math.sin(th);
    const reach = Math.ceil(a + 3);
    for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(size, Math.ceil(cy + reach)); y++)
      for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(size, Math.ceil(cx + reach)); x++) {
        const u = ((x - cx) * ct + (y - cy) * st) / a;
        const v = (-(x - cx) * st + (y - cy) * ct) / b;
        const d = Math.sqrt(u * u + v * v);
        const inside = 1 / (1 + Math.exp((d - 1) * Math.min(a, 12)));
        if (inside < 1e-3) continue;
        const k = y * size + x;
        t[k] = t[k]! + inside * height * (1 + tex * texture[k]!);
      }
  }
  // Dense particles: small, sharp, strongly absorbing (fine detail near the resolution limit).
  const nParticles = Math.round((size * size) / 900);
  for (let n = 0; n < nParticles; n++) {
    const cx = rng.uniform() * size;
    const cy = rng.uniform() * size;
    const r = 0.8 + rng.uniform() * 2.2;
    const h = 0.4 + 0.6 * rng.uniform();
    for (let y = Math.max(0, Math.floor(cy - 3 * r)); y < Math.min(size, Math.ceil(cy + 3 * r)); y++)
      for (let x = Math.max(0, Math.floor(cx - 3 * r)); x < Math.min(size, Math.ceil(cx + 3 * r)); x++) {
        const k = y * size + x;
        t[k] = t[k]! + h * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
      }
  }
  for (let k = 0; k < t.length; k++) t[k] = Math.max(0, t[k]! + 0.12 * bg[k]! + 0.15);
  const smooth = gaussianFilter({ width: size, height: size, data: t }, 0.7).data;
  const mu = o.absorption ?? 0.45;
  const delta = o.phaseShift ?? 1.6;
  const re = new Float32Array(size * size);
  const im = new Float32Array(size * size);
  for (let k = 0; k < smooth.length; k++) {
    const amp = Math.exp(-mu * smooth[k]!);
    const phi = -delta * smooth[k]! + 0.15 * phaseOnly[k]!;
    re[k] = amp * Math.cos(phi);
    im[k] = amp * Math.sin(phi);
  }
  return { re, im, width: size, height: size };
}

/**
 * Fermat-spiral positions (x = column, y = row) centred at (cx, cy): r = c·√n, θ = n·golden
 * angle, with c = step/√π so that each position has ≈ step² of area (nearest neighbours about
 * `stepPx` apart), plus normal jitter of `jitterPx` per axis.
 */
export function spiralPositions(
  n: number,
  stepPx: number,
  jitterPx: number,
  seed: number,
  cx: number,
  cy: number,
): { x: Float64Array; y: Float64Array } {
  if (!(Number.isInteger(n) && n >= 1))
    throw new Error(`number of positions must be a positive integer, got ${n}`);
  if (!(stepPx > 0)) throw new Error(`scan step must be > 0 pixels, got ${stepPx}`);
  if (!(jitterPx >= 0)) throw new Error(`jitter must be ≥ 0 pixels, got ${jitterPx}`);
  const rng = new Rng((seed ^ 0x5eed) >>> 0);
  const c = stepPx / Math.sqrt(Math.PI);
  const golden = Math.PI * (3 - Math.sqrt(5));
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = c * Math.sqrt(i + 0.5);
    x[i] = cx + r * Math.cos(i * golden) + jitterPx * rng.normal();
    y[i] = cy + r * Math.sin(i * golden) + jitterPx * rng.normal();
  }
  return { x, y };
}

/** Object side that holds a spiral of n positions at `stepPx` plus a patch of N and a margin. */
export function spiralObjectSize(n: number, stepPx: number, N: number, jitterPx = 0): number {
  const radius = (stepPx / Math.sqrt(Math.PI)) * Math.sqrt(n) + 3 * jitterPx;
  return 2 * Math.ceil(radius + N / 2 + 4);
}
