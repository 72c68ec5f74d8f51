/** Shared by the formats tests: run the CLI in-process, find python3 with h5py, fixtures. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../../compute/cli/main';

export const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));

export async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (t) => void (out += `${t}\n`),
    err: (t) => void (err += `${t}\n`),
    isTTY: false,
  });
  return { code, out, err };
}

/** A python3 that can `import h5py, numpy` (Debian's lives in /usr/bin), or null. */
export function pythonWithH5py(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import h5py, numpy'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}
