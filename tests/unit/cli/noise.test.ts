/**
 * What a user sees on the terminal: `npx ptycho --version` and `ptycho train --device auto`
 * print no npm warnings and no native ONNX Runtime / Dawn log lines, and name the device that ran.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const NOISE =
  /npm warn|Unknown project config|onnxruntime_src|provider_bridge|\[E:onnxruntime|Couldn't load Vulkan|dawn|BackendVk|\/build\/Release/i;

describe('the CLI prints no npm or native-library noise', () => {
  it('npx ptycho --version prints the version alone', () => {
    const r = spawnSync('npx', ['ptycho', '--version'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.stderr).not.toMatch(NOISE);
    expect(r.stderr.trim()).toBe('');
  });

  it('train --device auto names the chosen device and why not the others, and ends with a summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-noise-'));
    try {
      const r = spawnSync(
        process.execPath,
        [
          join(root, 'bin/ptycho.js'),
          'train',
          '--train_data_file',
          join(root, 'fixtures/lines-N64-train.npz'),
          '--output_dir',
          dir,
          '--nepochs',
          '1',
          '--n_groups',
          '32',
          '--n_filters_scale',
          '1',
          '--device',
          'auto',
          '--threads',
          '1',
        ],
        { cwd: root, encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const all = `${r.stdout}\n${r.stderr}`;
      expect(all).not.toMatch(NOISE);
      // e.g. "device: cpu (webgpu: no adapter, …; cuda: provider libraries not installed)"
      const line = r.stderr.split('\n').find((l) => l.startsWith('device: '));
      expect(line).toMatch(/^device: (cpu|webgpu|cuda)\b/);
      if (line!.startsWith('device: cpu')) expect(line).toMatch(/webgpu: .+; cuda: .+\)$/);
      expect(r.stdout).toMatch(
        /trained 1 epoch on (cpu|webgpu|cuda) in [\d.]+ s \(completed\); final loss -?[\d.e+-]+, val_loss .+; best epoch 1/,
      );
      expect(all).not.toMatch(/1 epochs/);
      // train.log records the photon count that was used (the fixture's metadata: 1e6), not the 1e9 default
      const log = readFileSync(join(dir, 'logs/train.log'), 'utf8');
      expect(log).toMatch(/"nphotons":1000000[,}]/);
      expect(log).not.toMatch(/"nphotons":1000000000/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
