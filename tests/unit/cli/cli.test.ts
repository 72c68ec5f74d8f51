import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CliError, parseArgs, type FlagSpec } from '../../../compute/cli/args';

const FLAGS: FlagSpec[] = [
  { name: 'train_data_file', type: 'string', help: 'training NPZ', required: true },
  { name: 'nepochs', type: 'int', help: 'epochs', aliases: ['max_epochs'] },
  { name: 'nphotons', type: 'number', help: 'photons' },
  { name: 'object_big', type: 'boolean', help: 'object big' },
  { name: 'quiet', type: 'boolean', help: 'quiet' },
  { name: 'device', type: 'string', help: 'device', choices: ['cpu', 'webgpu', 'cuda', 'auto'] },
];

describe('flag parser', () => {
  it('accepts PtychoPINN spellings, kebab-case and aliases, and typed values', () => {
    const r = parseArgs(
      FLAGS,
      [],
      [
        '--train-data-file',
        'a.npz',
        '--max_epochs',
        '3',
        '--nphotons=1e9',
        '--object_big',
        'False',
        '--quiet',
        '--device',
        'cpu',
      ],
    );
    expect(r.flags).toEqual({
      train_data_file: 'a.npz',
      nepochs: 3,
      nphotons: 1e9,
      object_big: false,
      quiet: true,
      device: 'cpu',
    });
    expect(parseArgs(FLAGS, [], ['--train_data_file', 'x', '--no-object-big']).flags.object_big).toBe(false);
  });
  it('gives one-line errors naming the flag and the expected value', () => {
    expect(() => parseArgs(FLAGS, [], ['--nepochs', '2'])).toThrow(
      new CliError('missing required option --train_data_file'),
    );
    expect(() => parseArgs(FLAGS, [], ['--train_data_file', 'a', '--nepochs', '2.5'])).toThrow(
      /--nepochs: expected an integer, got '2.5'/,
    );
    expect(() => parseArgs(FLAGS, [], ['--train_data_file', 'a', '--device', 'tpu'])).toThrow(
      /expected one of cpu, webgpu, cuda, auto/,
    );
    expect(() => parseArgs(FLAGS, [], ['--train_data_file', 'a', '--bogus'])).toThrow(
      /unknown option --bogus/,
    );
    expect(() => parseArgs(FLAGS, [], ['--train_data_file'])).toThrow(/needs a value/);
  });
});

describe('ptycho executable', () => {
  const bin = fileURLToPath(new URL('../../../bin/ptycho.js', import.meta.url));
  it('prints its version and help', () => {
    const v = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/usage: ptycho <command>/);
    const bad = spawnSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
