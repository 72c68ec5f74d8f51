// `npm start` / `npm run dev`: make sure the Electron binary is present. It is not in the npm
// package (Electron downloads it from its release server), so fetch it once, or explain.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const dir = join(process.cwd(), 'node_modules', 'electron');
const have = () =>
  existsSync(join(dir, 'path.txt')) &&
  existsSync(join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim()));
if (!have()) {
  console.log('Electron binary not found; downloading it once (npx install-electron)…');
  // the installer's own output is a fetch stack trace when the release server is unreachable:
  // keep it out of the way, say what failed in one line, then what to do
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0 || !have()) {
    const out = `${r.stderr ?? ''}\n${r.stdout ?? ''}`;
    const cause =
      out
        .split('\n')
        .map((l) => l.trim())
        .find(
          (l) =>
            /error|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT|fetch failed|\b[45]\d\d\b/i.test(l) &&
            !l.startsWith('at '),
        ) ?? 'no output';
    console.error(
      `Could not download the Electron binary (${cause.slice(0, 200)}).\n` +
        'Use browser mode instead: `npm run serve`, then open the printed URL.' +
        (process.env.PTYCHO_DEBUG ? `\n\n${out}` : ''),
    );
    process.exit(1);
  }
}
