import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

declare const __APP_VERSION__: string | undefined;

let cached: string | null = null;

/** The app version from package.json (inlined at build time in bundled Electron code). */
export function appVersion(): string {
  if (cached) return cached;
  if (typeof __APP_VERSION__ === 'string') return (cached = __APP_VERSION__);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'ptycho-workstation' && pkg.version) return (cached = pkg.version);
    } catch {
      /* keep walking up */
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0');
}
