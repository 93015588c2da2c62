/** The `${VAR#p}`, `${VAR%p}` and `${VAR/p/r}` patterns of buildkit's lex.go (convertShellPatternToRegex...). Pure. */

/** A word error (`failed to process "w": reason`), as buildkit words it. */
export class ShellWordError extends Error {}

/** A shell pattern (`*`, `?`, `\` escapes) as a RegExp, as lex.go's convertShellPatternToRegex. */
export function patternRegex(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  let out = anchored ? '^' : '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') out += greedy ? '.*' : '.*?';
    else if (c === '?') out += '.';
    else if (c === '\\') {
      const n = chars[i + 1];
      if (n === '}' || n === '/') continue;
      if (n !== '*' && n !== '?' && n !== '\\')
        throw new ShellWordError(`invalid pattern (${pattern}) in substitution`);
      out += `\\${n}`;
      i++;
    } else out += c.replace(/[[\]{}.+()|^$]/, '\\$&');
  }
  return new RegExp(out, global ? 'gsu' : 'su');
}

export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = patternRegex(pattern, greedy, true).exec(value);
  return m ? value.slice(m[0].length) : value;
}

function reversePattern(pattern: string): string {
  const p = Array.from(pattern);
  const out: string[] = new Array(p.length);
  const last = p.length - 1;
  for (let i = 0; i <= last; ) {
    if (p[i] === '\\' && i !== last) {
      out[last - i - 1] = p[i]!;
      out[last - i] = p[i + 1]!;
      i += 2;
    } else {
      out[last - i] = p[i]!;
      i++;
    }
  }
  return out.join('');
}

const reverse = (s: string): string => Array.from(s).reverse().join('');

export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverse(trimPrefix(reversePattern(pattern), reverse(value), greedy));
}
