/** A plain-text run log (D/logs/train.log): appended line by line, flushed on close. */
import { appendFileSync, writeFileSync } from 'node:fs';

export class RunLog {
  constructor(private readonly path: string) {
    writeFileSync(path, '');
  }
  line(text: string): void {
    appendFileSync(this.path, `${text}\n`);
  }
  close(): void {
    /* appendFileSync writes through; nothing buffered */
  }
}
