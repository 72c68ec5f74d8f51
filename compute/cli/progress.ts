/**
 * A terminal progress bar on stderr: redraws in place on a TTY, prints a line every
 * `logEveryS` seconds otherwise (log files stay readable). ETA from the mean rate so far.
 */
import type { CliIO } from './command';

export interface ProgressBar {
  update(done: number, info?: string): void;
  finish(info?: string): void;
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--:--';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function createProgressBar(
  io: CliIO,
  label: string,
  total: number,
  opts: { quiet?: boolean; logEveryS?: number; showCount?: boolean } = {},
): ProgressBar {
  const start = performance.now();
  let lastLog = 0;
  const width = 28;
  const render = (done: number, info: string | undefined): string => {
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const elapsed = (performance.now() - start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    return `${label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${opts.showCount !== false && Number.isInteger(total) && total > 1 ? `${Math.floor(done)}/${total} ` : ''}${fmtDuration(elapsed)} ETA ${fmtDuration(eta)}${info ? `  ${info}` : ''}`;
  };
  return {
    update(done, info) {
      if (opts.quiet) return;
      if (io.isTTY) {
        process.stderr.write(`\r\x1b[2K${render(done, info)}`);
      } else {
        const now = performance.now();
        if (now - lastLog >= (opts.logEveryS ?? 10) * 1000) {
          lastLog = now;
          io.err(render(done, info));
        }
      }
    },
    finish(info) {
      if (opts.quiet) return;
      if (io.isTTY) process.stderr.write(`\r\x1b[2K${render(total, info)}\n`);
      else io.err(render(total, info));
    },
  };
}
