/**
 * JSON from untrusted files and frames: parsed only after a linear scan has checked the nesting
 * depth, so neither JSON.parse, a reviver, a schema nor an error message that prints the value
 * can overflow the stack on `[[[[…]]]]`. No Node imports (the renderer's wire decoder uses it).
 */

/** Deepest nesting accepted by default; every format here needs fewer than 10 levels. */
export const MAX_JSON_DEPTH = 64;

export class JsonLimitError extends Error {
  override name = 'JsonLimitError';
}

/** Deepest `[`/`{` nesting of a JSON text (brackets inside strings are not counted). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * JSON.parse after the depth check. Throws JsonLimitError (too deep) or SyntaxError (not JSON);
 * `what` names the file or member in the message.
 */
export function parseJsonLimited(
  text: string,
  what: string,
  maxDepth = MAX_JSON_DEPTH,
  reviver?: (key: string, value: unknown) => unknown,
): unknown {
  const d = jsonDepth(text);
  if (d > maxDepth)
    throw new JsonLimitError(`${what}: JSON nested ${d} levels deep (limit ${maxDepth}); refusing to parse`);
  return JSON.parse(
    text,
    reviver as ((this: unknown, key: string, value: unknown) => unknown) | undefined,
  ) as unknown;
}

/** A short, safe description of any parsed JSON value for error messages (never recursive). */
export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}
