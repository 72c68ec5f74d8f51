/**
 * The layer rules of eslint.config.js (docs/DESIGN.md §1) report what they should, and only that:
 * each case lints a one-line import as if it lived at `file`.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: file });
  return r!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: [file: string, code: string, refused: boolean][] = [
  ['compute/core/x.ts', "export { a } from '../../renderer/src/api/client';", true],
  ['compute/core/x.ts', "export { a } from '../../electron/host/router';", true],
  ['compute/core/x.ts', "export { app } from 'electron';", true],
  ['compute/core/x.ts', "export { Graph } from '../engine/ir';", true],
  ['compute/core/x.ts', "export { Graph } from '../engine';", false],
  ['compute/core/x.ts', "export { readFileSync } from 'node:fs';", false],
  ['compute/engine/x.ts', "export { Graph } from './ir';", false],
  ['bench/x.ts', "export { Graph } from '../compute/engine/ir';", true],
  ['compute/numerics/x.ts', "export { readFileSync } from 'node:fs';", true],
  ['compute/render/x.ts', "export { Graph } from '../engine';", true],
  ['compute/wire/x.ts', "export { frcCurve } from '../ptycho/eval/frc';", true],
  ['compute/numerics/x.ts', "export { fft1d } from './fft1d';", false],
  ['renderer/src/x.ts', "export { readFileSync } from 'fs';", true],
  ['renderer/src/x.ts', "export { join } from 'node:path';", true],
  ['renderer/src/x.ts', "export { default } from 'onnxruntime-node';", true],
  ['renderer/src/x.ts', "export { amplitude } from '../../compute/numerics/complex';", false],
  ['renderer/vite.config.ts', "export { fileURLToPath } from 'node:url';", false],
];

describe('layer rules (eslint.config.js)', () => {
  for (const [file, code, refused] of cases) {
    it(`${file}: ${code} ${refused ? 'is refused' : 'is allowed'}`, async () => {
      const msgs = await restricted(file, code);
      expect(msgs.length > 0, msgs.join('; ')).toBe(refused);
    });
  }
});
