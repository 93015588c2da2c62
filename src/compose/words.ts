/**
 * Splitting a `command:` / `entrypoint:` string into words as compose does (shell-like
 * quoting, no expansion). Pure.
 */
import { asList } from './parse.js';
import type { KeyPath, Value } from './types.js';
import type { Where } from './where.js';

/** Thrown for an unterminated quote. */
export class WordsError extends Error {}

/** `sh -c 'echo hi'` → `["sh", "-c", "echo hi"]`. */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== ch) end += ch === '"' && text[end] === '\\' ? 2 : 1;
      if (end >= text.length) end = -1;
      if (end < 0) throw new WordsError(`unterminated ${ch === "'" ? 'single' : 'double'} quote in "${text}"`);
      const inner = text.slice(i + 1, end);
      cur += ch === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
      inWord = true;
      i = end;
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/**
 * A command or entrypoint as compose takes it: a string split as a shell splits words, or a
 * list of strings; undefined when absent.
 */
export function commandWords(w: Where, path: KeyPath, v: Value | undefined): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    try {
      return splitWords(v);
    } catch (err) {
      if (err instanceof WordsError) throw w.error(path, err.message);
      throw err;
    }
  }
  return asList(w, path, v).map((x, i) => {
    if (typeof x === 'object' && x !== null) throw w.error([...path, i], 'must be a string');
    return String(x);
  });
}
