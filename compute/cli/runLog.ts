/**
 * A plain-text run log (D/logs/train.log): appended line by line, never truncated, so the log
 * of an earlier run in the same folder is kept; each run starts with a blank line and its own
 * timestamped header (written by the command).
 */
import { appendFileSync, existsSync, statSync } from 'node:fs';

export class RunLog {
  constructor(private readonly path: string) {
    if (existsSync(path) && statSync(path).size > 0) appendFileSync(path, '\n');
    else appendFileSync(path, '');
  }
  line(text: string): void {
    appendFileSync(this.path, `${text}\n`);
  }
  close(): void {
    /* appendFileSync writes through; nothing buffered */
  }
}
