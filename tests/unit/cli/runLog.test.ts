/** Issue #15: each run overwrote logs/train.log; now runs append, and earlier runs are kept. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunLog } from '../../../compute/cli/runLog';

describe('run log', () => {
  it('a second run appends after a blank line instead of truncating', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'runlog-')), 'train.log');
    const a = new RunLog(path);
    a.line('ptycho train — run 1');
    a.line('epoch 1: loss 2');
    a.close();
    const b = new RunLog(path);
    b.line('ptycho train — run 2');
    b.close();
    expect(readFileSync(path, 'utf8')).toBe(
      'ptycho train — run 1\nepoch 1: loss 2\n\nptycho train — run 2\n',
    );
  });
});
