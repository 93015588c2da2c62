/**
 * `.dockerignore` as moby/patternmatcher reads it (ignorefile.ReadAll, New, MatchesOrParentMatches):
 * comments, `!` exceptions, later rules win, `**`, paths cleaned and a leading `/` dropped; a path
 * is excluded when it or one of its parent directories matches. Pure.
 */
import { UsageError } from '../../errors.js';
import { goClean, goMatch } from './go-match.js';

/** A compiled .dockerignore. */
export interface IgnoreMatcher {
  /** True if PATH (relative to the context, `/`-separated) is excluded from the context. */
  matches(path: string): boolean;
  /** The cleaned patterns, `!` kept, as patternmatcher holds them. */
  patterns: string[];
}

interface Pattern {
  text: string;
  exclusion: boolean;
  dirs: number;
  test: (path: string) => boolean;
}

const ESCAPE = new Set('.+()|{}$'.split(''));

/** patternmatcher's Pattern.compile: exact, `x/**` prefix, `**x` suffix, or a regexp. */
function compile(p: string): (path: string) => boolean {
  let re = '^';
  let type: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  const chars = Array.from(p);
  for (let i = 0, k = 0; i < chars.length; i++, k++) {
    const ch = chars[i]!;
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++;
        if (i + 1 >= chars.length) {
          if (type === 'exact') type = 'prefix';
          else {
            re += '.*';
            type = 'regexp';
          }
        } else {
          re += '(.*/)?';
          type = 'regexp';
        }
        if (k === 0) type = 'suffix';
      } else {
        re += '[^/]*';
        type = 'regexp';
      }
    } else if (ch === '?') {
      re += '[^/]';
      type = 'regexp';
    } else if (ESCAPE.has(ch)) re += `\\${ch}`;
    else if (ch === '\\') {
      if (i + 1 < chars.length) {
        re += `\\${chars[++i]}`;
        type = 'regexp';
      } else re += '\\\\';
    } else if (ch === '[' || ch === ']') {
      re += ch;
      type = 'regexp';
    } else re += ch;
  }
  if (type === 'exact') return (path) => path === p;
  if (type === 'prefix') return (path) => path.startsWith(p.slice(0, -2));
  if (type === 'suffix') {
    const suffix = p.slice(2);
    return (path) => path.endsWith(suffix) || (suffix[0] === '/' && path === suffix.slice(1));
  }
  const rx = new RegExp(`${re}$`, 'su');
  return (path) => rx.test(path);
}

/** ignorefile.ReadAll: the patterns of a .dockerignore's TEXT. */
export function readIgnoreFile(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (raw.startsWith('#')) continue;
    let p = raw.trim();
    if (p === '') continue;
    const invert = p.startsWith('!');
    if (invert) p = p.slice(1).trim();
    if (p.length) {
      p = goClean(p);
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
    }
    out.push(invert ? `!${p}` : p);
  }
  return out;
}

/** Compiles PATTERNS as patternmatcher.New; throws naming a bad one. */
export function ignoreMatcher(patterns: string[]): IgnoreMatcher {
  const compiled: Pattern[] = [];
  for (const raw of patterns) {
    let p = raw.trim();
    if (p === '') continue;
    p = goClean(p);
    const exclusion = p.startsWith('!');
    if (exclusion) {
      if (p.length === 1) throw new UsageError('.dockerignore: illegal exclusion pattern: "!"');
      p = p.slice(1);
    }
    try {
      goMatch(p, '.');
    } catch {
      throw new UsageError(`.dockerignore: bad pattern "${raw}"`);
    }
    compiled.push({ text: p, exclusion, dirs: p.split('/').length, test: compile(p) });
  }
  const matches = (file: string): boolean => {
    const f = goClean(file);
    if (f === '.') return false;
    const parent = posixDir(f);
    const parentDirs = parent.split('/');
    let matched = false;
    for (const pat of compiled) {
      if (pat.exclusion !== matched) continue;
      let m = pat.test(f);
      if (!m && parent !== '.')
        for (let i = 0; i < parentDirs.length && !m; i++) m = pat.test(parentDirs.slice(0, i + 1).join('/'));
      if (m) matched = !pat.exclusion;
    }
    return matched;
  };
  return { matches, patterns: compiled.map((p) => (p.exclusion ? `!${p.text}` : p.text)) };
}

function posixDir(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}

/** Parses a .dockerignore's TEXT into a matcher. */
export function parseDockerignore(text: string): IgnoreMatcher {
  return ignoreMatcher(readIgnoreFile(text));
}
