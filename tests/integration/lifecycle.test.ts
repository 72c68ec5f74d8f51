/**
 * The lifecycle from the terminal, in subprocesses: `ptycho train` (fixture, 2 epochs, 64
 * groups, batch 4, cpu) → a bundle; a separate `ptycho infer` on that bundle → a finite
 * reconstruction of the expected shape and decodable, non-constant PNGs; for gridsize 1 and 2;
 * at gridsize 1 also `infer --finetune_epochs 1` (self-supervised fine-tuning on the scan).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { readNpz } from '../../compute/io/npz';
import { decodePng } from '../../compute/io/png';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'ptycho.js');
const TRAIN = process.env.PTYCHO_TRAIN_FIXTURE ?? join(ROOT, 'fixtures', 'lines-N64-train.npz');
const TEST = process.env.PTYCHO_TEST_FIXTURE ?? join(ROOT, 'fixtures', 'lines-N64-test.npz');

function ptycho(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function nonConstantPng(path: string): void {
  const png = decodePng(readFileSync(path));
  expect(png.width).toBeGreaterThan(10);
  const px = new Set<number>();
  for (let i = 0; i < png.data.length; i += png.channels)
    px.add(png.data[i]! * 65536 + png.data[i + 1]! * 256 + png.data[i + 2]!);
  expect(px.size).toBeGreaterThan(10);
}

describe.each([1, 2])('ptycho train → ptycho infer (gridsize %i)', (gridsize) => {
  it('trains, saves a bundle, and a separate process reconstructs from it', { timeout: 240_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), `ptycho-it-gs${gridsize}-`));
    const out = join(dir, 'training_outputs');
    const infer = (outputDir: string, ...more: string[]): ReturnType<typeof ptycho> =>
      ptycho(['infer', '--model_path', out, '--test_data', TEST, '--output_dir', outputDir, ...more]);
    const t = ptycho([
      'train',
      '--train_data_file',
      TRAIN,
      '--test_data_file',
      TEST,
      '--output_dir',
      out,
      '--nepochs',
      '2',
      '--n_images',
      '64',
      '--gridsize',
      String(gridsize),
      '--batch_size',
      '4',
      '--n_filters_scale',
      '1',
      '--device',
      'cpu',
      '--quiet',
    ]);
    expect(t.stderr).toBe('');
    expect(t.status).toBe(0);
    const bundle = join(out, 'wts.h5.zip');
    expect(statSync(bundle).size).toBeGreaterThan(100_000);
    for (const f of ['history.json', 'history.csv', 'logs/train.log', 'reconstruction.npz'])
      expect(existsSync(join(out, f))).toBe(true);
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { loss: number }[];
    expect(history).toHaveLength(2);
    expect(history.every((h) => Number.isFinite(h.loss))).toBe(true);
    expect(readFileSync(join(out, 'logs', 'train.log'), 'utf8')).toMatch(/provider: cpu/);

    const inf = join(dir, 'inference_outputs');
    const r = infer(inf, '--n_images', '32', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rec = readNpz(join(inf, 'reconstruction.npz'));
    const obj = rec.arrays.get('object')!;
    expect(obj.dtype).toBe('complex64');
    expect(obj.shape).toHaveLength(2);
    expect(obj.shape[0]).toBeGreaterThan(20);
    expect(Array.from(obj.data as Float32Array).every(Number.isFinite)).toBe(true);
    const amp = rec.arrays.get('amplitude')!;
    expect(amp.shape).toEqual(obj.shape);
    nonConstantPng(join(inf, 'reconstructed_amplitude.png'));
    nonConstantPng(join(inf, 'reconstructed_phase.png'));
    const timings = JSON.parse(readFileSync(join(inf, 'timings.json'), 'utf8')) as {
      groups: number;
      provider: string;
    };
    expect(timings.groups).toBe(32);
    expect(timings.provider).toBe('cpu');
    if (gridsize !== 1) return;

    // Self-supervised fine-tuning on the scan itself, then the same reconstruction.
    const ft = join(dir, 'finetuned');
    const f = infer(ft, '--n_images', '32', '--finetune_epochs', '1', '--quiet');
    expect(f.stderr).toBe('');
    expect(f.status).toBe(0);
    const csv = readFileSync(join(ft, 'finetune_history.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('epoch,loss,nll,lr,seconds,samples_per_sec,intensity_scale');
    expect(csv).toHaveLength(2);
    expect(Number.isFinite(Number(csv[1]!.split(',')[1]))).toBe(true);
    const ftTimings = JSON.parse(readFileSync(join(ft, 'timings.json'), 'utf8')) as {
      finetune_epochs: number;
      finetune_s: number;
    };
    expect(ftTimings.finetune_epochs).toBe(1);
    expect(ftTimings.finetune_s).toBeGreaterThan(0);
    const a = rec.arrays.get('amplitude')!.data as Float32Array;
    const b = readNpz(join(ft, 'reconstruction.npz')).arrays.get('amplitude')!.data as Float32Array;
    expect(b.length).toBe(a.length);
    expect(b.some((v, i) => Math.abs(v - a[i]!) > 1e-4)).toBe(true);
    const bad = infer(ft, '--finetune_epochs', '-2', '--quiet');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--finetune_epochs: expected a positive integer, got -2/);
  });
});

describe('CLI failures are one line with exit code 1', () => {
  it('names the missing file', () => {
    const r = ptycho([
      'train',
      '--train_data_file',
      '/nonexistent/x.npz',
      '--output_dir',
      mkdtempSync(join(tmpdir(), 'ptycho-bad-')),
      '--quiet',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/\/nonexistent\/x\.npz: file not found/);
  });
  it('refuses a bad flag value before doing any work', () => {
    const r = ptycho(['train', '--train_data_file', TRAIN, '--output_dir', '/tmp/x', '--batch_size', '12']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/batch_size: expected a power of two from 1 to 4096, got 12/);
  });
});
