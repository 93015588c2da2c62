/**
 * Compose's variable substitution in values: `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+other}`, `${VAR+other}`,
 * and `$$` for a literal `$`. Defaults may themselves hold substitutions. Pure.
 */

/** Variables to substitute from: the shell's environment over the `.env` file's. */
export type Vars = Readonly<Record<string, string | undefined>>;

/** A substitution that failed: `${VAR:?msg}` with VAR unset, or bad syntax. */
export class InterpolationError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Finds the `}` closing the `${` at `start` (nested braces counted). */
function closing(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function braced(body: string, vars: Vars): string {
  const m = NAME.exec(body);
  if (!m) throw new InterpolationError(`invalid interpolation format "\${${body}}"`);
  const name = m[0];
  const rest = body.slice(name.length);
  const value = vars[name];
  if (rest === '') return value ?? '';
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) throw new InterpolationError(`invalid interpolation format "\${${body}}"`);
  const arg = rest.slice(op.length);
  const unset = op.startsWith(':') ? value === undefined || value === '' : value === undefined;
  switch (op.replace(':', '')) {
    case '-':
      return unset ? interpolate(arg, vars) : value!;
    case '+':
      return unset ? '' : interpolate(arg, vars);
    default:
      if (unset)
        throw new InterpolationError(
          `required variable ${name} is missing a value${arg ? `: ${interpolate(arg, vars)}` : ''}`,
        );
      return value!;
  }
}

/** Substitutes every variable in `text`. */
export function interpolate(text: string, vars: Vars): string {
  if (!text.includes('$')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '{') {
      const end = closing(text, i + 1);
      if (end < 0) throw new InterpolationError(`invalid interpolation format "${text.slice(i)}": no closing "}"`);
      out += braced(text.slice(i + 2, end), vars);
      i = end;
    } else {
      const m = NAME.exec(text.slice(i + 1));
      if (!m) {
        out += '$';
        continue;
      }
      out += vars[m[0]] ?? '';
      i += m[0].length;
    }
  }
  return out;
}
