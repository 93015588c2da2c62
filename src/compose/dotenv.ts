/**
 * The `.env` and `env_file` format compose reads: `KEY=VALUE` lines, `#` comments, an
 * optional `export `, single quotes literal, double quotes with `\n`-style escapes,
 * unquoted values trimmed and cut at ` #`. Pure.
 */

/** One parse failure, with its 1-based line. */
export class DotenvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

function unquote(raw: string, line: number): string {
  const v = raw.trim();
  const q = v[0];
  if (q === "'" || q === '"') {
    const end = v.indexOf(q, 1);
    if (end < 0) throw new DotenvError(line, `unterminated quoted value ${v}`);
    const inner = v.slice(1, end);
    return q === "'"
      ? inner
      : inner.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
  }
  const hash = v.search(/\s#/);
  return (hash >= 0 ? v.slice(0, hash) : v).trim();
}

/**
 * Parses the text into variables, in file order. A bare `KEY` line (no `=`) maps to
 * undefined: compose takes such a variable from the environment.
 */
export function parseDotenv(text: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const body = line.startsWith('export ') ? line.slice(7).trimStart() : line;
    const eq = body.indexOf('=');
    const key = (eq < 0 ? body : body.slice(0, eq)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new DotenvError(i + 1, `invalid variable name "${key}"`);
    out.set(key, eq < 0 ? undefined : unquote(body.slice(eq + 1), i + 1));
  });
  return out;
}
