// `npm start` / `npm run dev`: make sure the Electron binary is present. It is not in the npm
// package (Electron downloads it from its release server), so fetch it once, or explain.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const dir = join(process.cwd(), 'node_modules', 'electron');
const have = () => existsSync(join(dir, 'path.txt')) && existsSync(join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim()));
if (!have()) {
  console.log('Electron binary not found; downloading it once (npx install-electron)…');
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], { stdio: 'inherit' });
  if (r.status !== 0 || !have()) {
    console.error('Could not download the Electron binary (no access to its release server?).\n' +
      'Use browser mode instead: `npm run serve`, then open the printed URL.');
    process.exit(1);
  }
}
