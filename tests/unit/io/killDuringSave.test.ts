/**
 * Issue #15, writes: SIGKILL a process in the middle of saving training outputs, many times, at
 * different moments. Before: `.wts.h5.zip.<hex>.tmp` files piled up and nothing removed them,
 * and a kill between the bundle rename and the history write left the two from different
 * runs. Now the next write (here: recoverFolder, which every write runs first) leaves no
 * temporary files and a bundle whose history, history.json and history.csv agree.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpackArchive } from '../../../compute/ptycho/bundle/bundle';
import { atomicWriteFileSync, recoverFolder, sweepTempFiles } from '../../../compute/io/atomicWrite';

/** The run number each file of the set comes from (null when absent). */
function runsOf(dir: string): {
  bundle: number | null;
  json: number | null;
  csv: number | null;
  weights: number | null;
} {
  const z = join(dir, 'wts.h5.zip');
  let bundle: number | null = null;
  let weights: number | null = null;
  if (existsSync(z)) {
    const m = unpackArchive(readFileSync(z), z).members;
    bundle = (JSON.parse(new TextDecoder().decode(m.get('history.json')!)) as { loss: number }[])[0]!.loss;
    const st = m.get('training_state/params.safetensors')!;
    weights = new Float32Array(st.buffer.slice(st.byteOffset + st.length - 4, st.byteOffset + st.length))[0]!;
  }
  const hj = join(dir, 'history.json');
  const json = existsSync(hj) ? (JSON.parse(readFileSync(hj, 'utf8')) as { loss: number }[])[0]!.loss : null;
  const hc = join(dir, 'history.csv');
  const csv = existsSync(hc) ? Number(readFileSync(hc, 'utf8').split('\n')[1]!.split(',')[1]) : null;
  return { bundle, json, csv, weights };
}

/** Save run 1, then run 2 killed (SIGKILL) at its `killAt`-th file-system call; "steps N" if it finished. */
function saveAndKill(dir: string, killAt: number): Promise<{ killed: boolean; steps: number }> {
  return new Promise((ok, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/unit/io/saveLoop.ts', dir, String(killAt)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') ok({ killed: true, steps: 0 });
      else if (code === 0) ok({ killed: false, steps: Number(/steps (\d+)/.exec(out)?.[1]) });
      else fail(new Error(`save child exited with ${code}`));
    });
  });
}

describe('a kill during save leaves one consistent set', () => {
  it('a SIGKILL at every step of a save: bundle, history.json and history.csv come from one run; no temporary files remain', async () => {
    const outcomes: string[] = [];
    let leftovers = 0;
    // Two children at a time (the machine has two cores); stop once a save runs to completion.
    for (let k = 1, done = false; !done && k < 200; k += 2) {
      const dirs = [k, k + 1].map(() => mkdtempSync(join(tmpdir(), 'killsave-')));
      const res = await Promise.all(dirs.map((d, i) => saveAndKill(d, k + i)));
      for (let i = 0; i < 2; i++) {
        const dir = dirs[i]!;
        if (!res[i]!.killed) {
          done = true;
          continue;
        }
        if (readdirSync(dir).some((n) => n.startsWith('.'))) leftovers++;
        recoverFolder(dir);
        expect(
          readdirSync(dir).filter((n) => n.startsWith('.')),
          `kill at step ${k + i}`,
        ).toEqual([]);
        const r = runsOf(dir);
        expect([1, 2], `kill at step ${k + i}`).toContain(r.bundle);
        expect(r, `kill at step ${k + i}`).toEqual({
          bundle: r.bundle,
          json: r.bundle,
          csv: r.bundle,
          weights: r.bundle,
        });
        outcomes.push(`${k + i}:${r.bundle}`);
      }
    }
    // Kills landed before and after the commit point, and some left files for the sweep.
    expect(outcomes.some((o) => o.endsWith(':1'))).toBe(true);
    expect(outcomes.some((o) => o.endsWith(':2'))).toBe(true);
    expect(leftovers).toBeGreaterThan(3);
  }, 180_000);

  it('the next write to a folder sweeps temporary files of dead writers, not of live ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    const dead = await new Promise<number>((ok) => {
      const c = spawn(process.execPath, ['-e', '0']);
      c.once('exit', () => ok(c.pid!));
    });
    writeFileSync(join(dir, `.wts.h5.zip.${dead}-0123456789ab.tmp`), 'x');
    writeFileSync(join(dir, `product-out.h5.tmp-${dead}-1796224982082`), 'an HDF5 write that was killed');
    writeFileSync(join(dir, '.wts.h5.zip.0123456789ab.tmp'), 'old format, fresh: kept for an hour');
    writeFileSync(join(dir, `.wts.h5.zip.${process.ppid}-0123456789ab.tmp`), 'a live writer');
    atomicWriteFileSync(join(dir, 'other.json'), '{}');
    expect(readdirSync(dir).sort()).toEqual(
      [`.wts.h5.zip.${process.ppid}-0123456789ab.tmp`, '.wts.h5.zip.0123456789ab.tmp', 'other.json'].sort(),
    );
    expect(sweepTempFiles(dir)).toEqual([]);
  });
});
