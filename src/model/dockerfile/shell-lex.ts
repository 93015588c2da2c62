/**
 * Docker's shell lexer, ported from buildkit frontend/dockerfile/shell/lex.go: quotes, the escape
 * character, `$VAR`, `${VAR}`, `${VAR:-w}`, `${VAR-w}`, `${VAR:+w}`, `${VAR+w}`, `${VAR:?m}`,
 * `${VAR?m}`, `${VAR#p}`, `${VAR%p}`, `${VAR/p/r}`. Not a POSIX shell: no command substitution,
 * no globbing, `'` and `"` behave as in lex.go (a backslash in double quotes escapes only `"`,
 * `$` and itself). Pure.
 */

import { patternRegex, ShellWordError, trimPrefix, trimSuffix } from './shell-pattern.js';

export { ShellWordError };

/** Variables visible to a word: a lookup returning undefined for unset names. */
export type Lookup = (name: string) => string | undefined;

const EOF = '';

class Words {
  words: string[] = [];
  buf = '';
  inWord = false;
  addChar(ch: string): void {
    if (/\s/u.test(ch)) {
      if (this.inWord && this.buf.length) {
        this.words.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else this.addRaw(ch);
  }
  addRaw(s: string): void {
    this.buf += s;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  get(): string[] {
    if (this.buf.length) {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

/** Lexer modes buildkit's parser uses to find heredoc words (lex.go's RawQuotes, RawEscapes, SkipUnsetEnv). */
export interface LexModes {
  rawQuotes?: boolean;
  rawEscapes?: boolean;
  skipUnset?: boolean;
  /** Quotes are plain characters (lex.go's SkipProcessQuotes: COPY heredoc bodies). */
  skipQuotes?: boolean;
}

class Scanner {
  private pos = 0;
  rawEscapes: boolean;
  private readonly rawQuotes: boolean;
  private readonly skipUnset: boolean;
  private readonly skipQuotes: boolean;
  private readonly chars: string[];
  constructor(
    text: string,
    private readonly env: Lookup,
    private readonly esc: string,
    private readonly used?: Set<string>,
    modes: LexModes = {},
  ) {
    this.chars = Array.from(text);
    this.rawEscapes = modes.rawEscapes ?? false;
    this.rawQuotes = modes.rawQuotes ?? false;
    this.skipUnset = modes.skipUnset ?? false;
    this.skipQuotes = modes.skipQuotes ?? false;
  }
  peek(): string {
    return this.chars[this.pos] ?? EOF;
  }
  next(): string {
    return this.chars[this.pos++] ?? EOF;
  }

  getEnv(name: string): string | undefined {
    this.used?.add(name);
    return this.env(name);
  }

  processStopOn(stop: string, rawEscapes: boolean): { word: string; words: string[] } {
    let result = '';
    const words = new Words();
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      while (this.peek() !== EOF) {
        const ch = this.peek();
        if (stop !== EOF && ch === stop) {
          this.next();
          return { word: result, words: words.get() };
        }
        if (ch === '$' || ch === '<' || (!this.skipQuotes && (ch === "'" || ch === '"'))) {
          const tmp =
            ch === '$'
              ? this.processDollar()
              : ch === '<'
                ? this.processHeredoc()
                : ch === "'"
                  ? this.processSingleQuote()
                  : this.processDoubleQuote();
          result += tmp;
          if (ch === '$') words.addString(tmp);
          else words.addRaw(tmp);
          continue;
        }
        let c = this.next();
        if (c === this.esc) {
          if (this.rawEscapes) {
            words.addRaw(c);
            result += c;
          }
          c = this.next();
          if (c === EOF) break;
          words.addRaw(c);
        } else words.addChar(c);
        result += c;
      }
      if (stop !== EOF) throw new ShellWordError(`unexpected end of statement while looking for matching ${stop}`);
      return { word: result, words: words.get() };
    } finally {
      this.rawEscapes = saved;
    }
  }

  processSingleQuote(): string {
    this.next();
    let out = this.rawQuotes ? "'" : '';
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new ShellWordError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return this.rawQuotes ? `${out}'` : out;
      out += ch;
    }
  }

  processDoubleQuote(): string {
    this.next();
    let out = this.rawQuotes ? '"' : '';
    for (;;) {
      const p = this.peek();
      if (p === EOF) throw new ShellWordError('unexpected end of statement while looking for matching double-quote');
      if (p === '"') {
        this.next();
        return this.rawQuotes ? `${out}"` : out;
      }
      if (p === '$') {
        out += this.processDollar();
        continue;
      }
      let ch = this.next();
      if (ch === this.esc) {
        if (this.rawEscapes) out += ch;
        const q = this.peek();
        if (q === EOF) continue;
        if (q === '"' || q === '$' || q === this.esc) ch = this.next();
      }
      out += ch;
    }
  }

  processHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let space = '';
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === '\r') space += this.next();
    return `<<${space}`;
  }

  processName(): string {
    let name = '';
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name === '' && /\d/.test(ch)) {
        while (/^\d$/.test(this.peek())) name += this.next();
        return name;
      }
      if (name === '' && '@*#?-$!0'.includes(ch)) return this.next();
      if (!/[\p{L}\p{Nd}_]/u.test(ch)) break;
      name += this.next();
    }
    return name;
  }

  processDollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const v = this.getEnv(name);
      return v === undefined && this.skipUnset ? `$${name}` : (v ?? '');
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new ShellWordError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ShellWordError('syntax error: bad substitution');
    const name = this.processName();
    let ch = this.next();
    if (ch === '}') {
      const v = this.getEnv(name);
      return v === undefined && this.skipUnset ? `\${${name}}` : (v ?? '');
    }
    if (ch === '/') return this.processReplace(name);
    let mod = ch;
    const nullIsUnset = ch === ':';
    if (nullIsUnset) {
      ch = this.next();
      mod += ch;
    }
    if (!'+-?#%'.includes(ch) || ch === EOF) throw new ShellWordError(`unsupported modifier (${mod}) in substitution`);
    const raw = ch === '#' || ch === '%';
    if (nullIsUnset && raw) throw new ShellWordError(`unsupported modifier (${mod}) in substitution`);
    const word = this.stopOnBrace(raw, "syntax error: missing '}'");
    const value = this.getEnv(name);
    if (value === undefined && this.skipUnset) return `\${${name}${mod}${word}}`;
    const empty = value === undefined || (nullIsUnset && value === '');
    if (ch === '-') return empty ? word : (value ?? '');
    if (ch === '+') return empty ? '' : word;
    if (ch === '?') {
      if (value === undefined) throw new ShellWordError(`${name}: ${word || 'is not allowed to be unset'}`);
      if (empty) throw new ShellWordError(`${name}: ${word || 'is not allowed to be empty'}`);
      return value;
    }
    const greedy = word.startsWith(ch);
    const pattern = greedy ? word.slice(1) : word;
    return ch === '%' ? trimSuffix(pattern, value ?? '', greedy) : trimPrefix(pattern, value ?? '', greedy);
  }

  private stopOnBrace(raw: boolean, eofMessage: string, stop = '}'): string {
    try {
      return this.processStopOn(stop, raw).word;
    } catch (e) {
      if (this.peek() === EOF) throw new ShellWordError(eofMessage);
      throw e;
    }
  }

  private processReplace(name: string): string {
    const all = this.peek() === '/';
    if (all) this.next();
    const pattern = this.stopOnBrace(true, "syntax error: missing '/' in ${}", '/');
    const replacement = this.stopOnBrace(true, "syntax error: missing '}'");
    const v = this.getEnv(name);
    if (v === undefined && this.skipUnset) return `\${${name}/${pattern}/${replacement}}`;
    const value = v ?? '';
    const re = patternRegex(pattern, true, false, all);
    if (all) return value.replace(re, () => replacement);
    return value.replace(re, () => replacement);
  }
}

function run<T>(
  text: string,
  fn: (s: Scanner) => T,
  env: Lookup,
  esc: string,
  used?: Set<string>,
  modes?: LexModes,
): T {
  try {
    return fn(new Scanner(text, env, esc, used, modes));
  } catch (e) {
    if (e instanceof ShellWordError) throw new ShellWordError(`failed to process "${text}": ${e.message}`);
    throw e;
  }
}

/** Expands one word (quotes removed) as Docker's ProcessWord does; records names looked up into USED. */
export function expandWord(word: string, env: Lookup, esc = '\\', used?: Set<string>, modes?: LexModes): string {
  return run(word, (s) => s.processStopOn(EOF, false).word, env, esc, used, modes);
}

/** Expands and splits on unquoted blanks as Docker's ProcessWords does (EXPOSE, VOLUME, ...). */
export function expandWords(text: string, env: Lookup, esc = '\\', used?: Set<string>, modes?: LexModes): string[] {
  return run(text, (s) => s.processStopOn(EOF, s.rawEscapes).words, env, esc, used, modes);
}

/** A Lookup over `KEY=VALUE` entries (the last entry of a key wins). */
export function lookupOf(env: string[]): Lookup {
  const m = new Map<string, string>();
  for (const e of env) {
    const i = e.indexOf('=');
    if (i < 0) m.set(e, '');
    else m.set(e.slice(0, i), e.slice(i + 1));
  }
  return (name) => m.get(name);
}
