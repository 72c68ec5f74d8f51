/**
 * Recently opened datasets and model bundles, shared by both hosts, persisted as JSON in the
 * user's config folder (Electron: userData; browser mode: $XDG_CONFIG_HOME or ~/.config).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RecentFiles } from '../../compute/protocol';
import { atomicWriteFileSync } from '../../compute/io/atomicWrite';

const MAX = 10;

export function defaultConfigDir(): string {
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'ptycho-workstation');
}

export class RecentStore {
  private data: RecentFiles = { datasets: [], models: [] };
  private readonly file: string | null;

  /** `dir` null keeps the list in memory only (tests). */
  constructor(dir: string | null) {
    this.file = dir ? join(dir, 'recent.json') : null;
    if (!this.file) return;
    try {
      const d = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<RecentFiles>;
      const clean = (v: unknown): string[] =>
        Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string').slice(0, MAX) : [];
      this.data = { datasets: clean(d.datasets), models: clean(d.models) };
    } catch {
      /* first run or unreadable: start empty */
    }
  }

  list(): RecentFiles {
    return { datasets: [...this.data.datasets], models: [...this.data.models] };
  }

  add(kind: keyof RecentFiles, path: string): void {
    this.data[kind] = [path, ...this.data[kind].filter((p) => p !== path)].slice(0, MAX);
    if (!this.file) return;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      atomicWriteFileSync(this.file, JSON.stringify(this.data, null, 2));
    } catch {
      /* a read-only config dir must not break opening files */
    }
  }
}

export function windowTitle(dataset: string | null, model: string | null): string {
  return [model, dataset, 'Ptycho Workstation'].filter(Boolean).join(' — ');
}
