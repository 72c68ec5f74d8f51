/**
 * Reconstruction-quality metrics for display: row definitions, units and formatting.
 * Values come from the evaluation (compute/ptycho/eval); this module only presents them.
 */
import { resolutionLabel } from './frc';
import { formatNumber } from './ticks';

export type MetricKey = 'mae' | 'mse' | 'psnrDb' | 'ssim' | 'msSsim' | 'frc50PerPx';
export type MetricComponent = 'amplitude' | 'phase';

/** Metric values of one component; null/undefined/NaN are shown as "–". */
export type MetricValues = Partial<Record<MetricKey, number | null>>;

export interface MetricRow {
  key: MetricKey;
  label: string;
  /** Unit per component (amplitude is dimensionless, "a.u."; phase in radians). */
  unit: Record<MetricComponent, string>;
  /** Tooltip: definition and convention. */
  help: string;
  /** Whether larger is better (for colouring/arrows). */
  higherIsBetter: boolean;
}

export const METRIC_ROWS: readonly MetricRow[] = [
  {
    key: 'mae',
    label: 'MAE',
    unit: { amplitude: 'a.u.', phase: 'rad' },
    help: 'mean absolute error after alignment',
    higherIsBetter: false,
  },
  {
    key: 'mse',
    label: 'MSE',
    unit: { amplitude: 'a.u.²', phase: 'rad²' },
    help: 'mean squared error after alignment',
    higherIsBetter: false,
  },
  {
    key: 'psnrDb',
    label: 'PSNR',
    unit: { amplitude: 'dB', phase: 'dB' },
    help: 'peak signal-to-noise ratio, peak = data range of the ground truth',
    higherIsBetter: true,
  },
  {
    key: 'ssim',
    label: 'SSIM',
    unit: { amplitude: '', phase: '' },
    help: 'structural similarity (Gaussian window σ = 1.5), 1 = identical',
    higherIsBetter: true,
  },
  {
    key: 'msSsim',
    label: 'MS-SSIM',
    unit: { amplitude: '', phase: '' },
    help: 'multi-scale SSIM (5 levels), 1 = identical',
    higherIsBetter: true,
  },
  {
    key: 'frc50PerPx',
    label: 'FRC50',
    unit: { amplitude: 'cyc/px', phase: 'cyc/px' },
    help: 'spatial frequency where the FRC first drops below 0.5; resolution = 1/f',
    higherIsBetter: true,
  },
];

/** Cell text for a metric value: 4 significant digits, PSNR with 2 decimals, FRC50 with 3 digits. */
export function formatMetric(key: MetricKey, value: number | null | undefined): string {
  if (value == null || Number.isNaN(value)) return '–';
  if (key === 'psnrDb') return Number.isFinite(value) ? value.toFixed(2) : formatNumber(value);
  return formatNumber(value, key === 'frc50PerPx' ? 3 : 4);
}

/**
 * Extra read-out next to the unit: FRC50 as the core's half-period resolution in nm when it
 * knows the pixel size (`halfPeriodNm`), else as 1/f (nm with a pixel size, else px).
 */
export function metricDetail(
  key: MetricKey,
  value: number | null | undefined,
  pixelSizeM?: number | null,
  halfPeriodNm?: number | null,
): string {
  if (key !== 'frc50PerPx' || value == null || !(value > 0)) return '';
  if (halfPeriodNm != null && halfPeriodNm > 0) return `half-period ${formatNumber(halfPeriodNm, 3)} nm`;
  return `1/f = ${resolutionLabel(value, pixelSizeM)}`;
}
