/** Pure helpers of the path dialog: split a typed path, complete a name, go up a folder. */

/** "/data/sc" → { dir: "/data/", name: "sc" }; "~" → { dir: "~/", name: "" }; no separator → dir "". */
export function splitPath(typed: string): { dir: string; name: string } {
  const v = typed.trim() === '~' ? '~/' : typed.trimStart();
  const i = Math.max(v.lastIndexOf('/'), v.lastIndexOf('\\'));
  return i < 0 ? { dir: '', name: v } : { dir: v.slice(0, i + 1), name: v.slice(i + 1) };
}

/**
 * Tab completion: the longest common prefix of the matching names, with a trailing "/" when it
 * is exactly one folder. Null when it would not add anything.
 */
export function completion(
  prefix: string,
  matches: readonly { name: string; dir: boolean }[],
): string | null {
  if (!matches.length) return null;
  if (matches.length === 1) return matches[0]!.name + (matches[0]!.dir ? '/' : '');
  let common = matches[0]!.name;
  for (const m of matches) {
    let k = 0;
    while (k < common.length && k < m.name.length && common[k] === m.name[k]) k++;
    common = common.slice(0, k);
  }
  return common.length > prefix.length ? common : null;
}

/** The folder above `dir` ("/data/raw" → "/data/"; "/" stays "/"). */
export function parentFolder(dir: string): string {
  const d = dir.replace(/[\\/]+$/, '');
  const i = Math.max(d.lastIndexOf('/'), d.lastIndexOf('\\'));
  return i <= 0 ? '/' : `${d.slice(0, i)}/`;
}
