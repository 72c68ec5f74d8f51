/** One line from a failed zod parse: "field: message" ("(root)" for the value itself). */
import type { z } from 'zod';

export function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  if (!i) return 'invalid value';
  const path = i.path.length
    ? i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p).slice(0, 80)}`))
        .join('')
        .replace(/^\./, '')
    : '(root)';
  return `${path}: ${i.message}`;
}
