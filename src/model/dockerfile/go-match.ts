/** Go's path/filepath.Match and filepath.Clean (on `/`-separated paths), ported. Pure. */
import { posix } from 'node:path';

/** filepath.ErrBadPattern. */
export class BadPatternError extends Error {
  constructor(pattern: string) {
    super(`syntax error in pattern "${pattern}"`);
  }
}

const BAD = Symbol('bad');

/** Go's filepath.Clean: no `.`/`..` where resolvable, no doubled or trailing slash, `.` for empty. */
export function goClean(p: string): string {
  if (p === '') return '.';
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

function scanChunk(p: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let star = false;
  while (p.length && p[0] === '*') {
    p = p.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case '\\':
        if (i + 1 < p.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
    }
  }
  return { star, chunk: p.slice(0, i), rest: p.slice(i) };
}

function getEsc(c: string[]): { r: string; rest: string[] } | typeof BAD {
  if (c.length === 0 || c[0] === '-' || c[0] === ']') return BAD;
  if (c[0] === '\\') {
    c = c.slice(1);
    if (c.length === 0) return BAD;
  }
  const rest = c.slice(1);
  return rest.length === 0 ? BAD : { r: c[0]!, rest };
}

/** matchChunk: the rest of S after CHUNK matched its start, null if not, BAD for a bad pattern. */
function matchChunk(chunk: string[], s: string[]): string[] | null | typeof BAD {
  let failed = false;
  while (chunk.length) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0]!;
    if (c === '[') {
      const r = failed ? '' : s[0]!;
      if (!failed) s = s.slice(1);
      chunk = chunk.slice(1);
      let negated = false;
      if (chunk[0] === '^') {
        negated = true;
        chunk = chunk.slice(1);
      }
      let match = false;
      let n = 0;
      for (;;) {
        if (chunk[0] === ']' && n > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEsc(chunk);
        if (lo === BAD) return BAD;
        let hi = lo;
        chunk = lo.rest;
        if (chunk[0] === '-') {
          hi = getEsc(chunk.slice(1)) as typeof lo;
          if ((hi as unknown) === BAD) return BAD;
          chunk = hi.rest;
        }
        if (!failed && lo.r <= r && r <= hi.r) match = true;
        n++;
      }
      if (match === negated) failed = true;
      continue;
    }
    if (c === '?') {
      if (!failed) {
        if (s[0] === '/') failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
      continue;
    }
    if (c === '\\') {
      chunk = chunk.slice(1);
      if (chunk.length === 0) return BAD;
    }
    if (!failed) {
      if (chunk[0] !== s[0]) failed = true;
      s = s.slice(1);
    }
    chunk = chunk.slice(1);
  }
  return failed ? null : s;
}

/** Go's filepath.Match: `*` and `?` do not cross `/`; `[a-z]`, `[^x]`, `\` escapes. Throws BadPatternError. */
export function goMatch(pattern: string, name: string): boolean {
  let p = Array.from(pattern);
  let s = Array.from(name);
  outer: while (p.length) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return !s.includes('/');
    const t = matchChunk(chunk, s);
    if (t !== null && t !== BAD && (t.length === 0 || p.length > 0)) {
      s = t;
      continue;
    }
    if (t === BAD) throw new BadPatternError(pattern);
    if (star) {
      for (let i = 0; i < s.length && s[i] !== '/'; i++) {
        const t2 = matchChunk(chunk, s.slice(i + 1));
        if (t2 !== null && t2 !== BAD) {
          if (p.length === 0 && t2.length > 0) continue;
          s = t2;
          continue outer;
        }
        if (t2 === BAD) throw new BadPatternError(pattern);
      }
    }
    while (p.length) {
      const next = scanChunk(p);
      p = next.rest;
      if (matchChunk(next.chunk, []) === BAD) throw new BadPatternError(pattern);
    }
    return false;
  }
  return s.length === 0;
}

/** True if P has glob characters filepath.Match would interpret. */
export const hasGlob = (p: string): boolean => /[*?[\\]/.test(p);
