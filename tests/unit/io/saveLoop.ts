/**
 * Child process for the kill-during-save test: saves the training outputs (bundle + history) of
 * run 1 into argv[2], then saves run 2 and SIGKILLs itself at the argv[3]-th file-system call of
 * that save (open, write, fsync, rename, remove), so every step of a save can be interrupted.
 * Prints "steps N" when the second save completes without being killed.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { ParamStore } from '../../../compute/engine/params';
import { makeTrainingConfig } from '../../../compute/ptycho/config/config';
import { saveTrainingOutputs, type TrainedModel } from '../../../compute/ptycho/lifecycle/model';
import type { EpochRecord } from '../../../compute/ptycho/train/trainer';

const dir = process.argv[2]!;
const killAt = Number(process.argv[3]);
const N = 64;

function model(run: number): TrainedModel {
  const params = new ParamStore(0);
  params.set('w', new Float32Array(4096).fill(run), [4096]);
  const history = [
    {
      epoch: 1,
      loss: run,
      nll: 0,
      mae: 0,
      realspace: 0,
      val_loss: null,
      lr: 1e-3,
      seconds: 1,
      samples_per_sec: 1,
      intensity_scale: 1,
    } as EpochRecord,
  ];
  return {
    config: makeTrainingConfig({}),
    params,
    probe: { re: new Float32Array(N * N), im: new Float32Array(N * N) },
    intensityScale: 1,
    initialIntensityScale: 1,
    history,
    inferenceOnnx: new Uint8Array(16),
    autoencoderOnnx: new Uint8Array(16),
    path: null,
    created: '2026-01-01T00:00:00.000Z',
    appVersion: '0.0.0',
  };
}

saveTrainingOutputs(model(1), dir);
let calls = 0;
const mutable = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const name of [
  'openSync',
  'writeSync',
  'fsyncSync',
  'closeSync',
  'renameSync',
  'rmSync',
  'unlinkSync',
]) {
  const orig = mutable[name]!;
  mutable[name] = (...a: unknown[]) => {
    if (++calls === killAt) process.kill(process.pid, 'SIGKILL');
    return orig(...a);
  };
}
syncBuiltinESMExports();
saveTrainingOutputs(model(2), dir);
process.stdout.write(`steps ${calls}\n`);
