/**
 * The lexical level of iptables-save / iptables-restore text: splitting a rule line into
 * tokens the way iptables-restore does, and quoting a value back the way iptables-save does.
 */

/**
 * The words of a rule line, unquoted. `quoted[i]` tells a value like `"-x"` or `"!"` from a
 * flag; it is absent when the line has no quotes at all (the common case, kept cheap).
 */
export interface Tokens {
  text: string[];
  quoted?: boolean[];
}

/** Thrown for a line that cannot be split; the parser adds the line number. */
export class LineError extends Error {}

const SPACE = /[ \t]+/;
const SP = 32;
const TAB = 9;
const QUOTE = 34;
const DASH = 45;

/**
 * Splits a rule line into tokens. Like iptables-restore: a double quote opens a quoted part
 * anywhere in a word, a backslash inside quotes escapes the next character, and the closing
 * quote ends the token. Outside quotes a backslash is an ordinary character.
 */
export function tokenize(line: string): Tokens {
  if (!line.includes('"')) {
    // Splitting on one character is much cheaper than on a pattern; iptables-save uses single spaces.
    const text = line.includes('\t') ? line.split(SPACE) : line.split(' ');
    return { text: text.includes('') ? text.filter((t) => t !== '') : text };
  }
  return tokenizeQuoted(line);
}

/** Pushes the words of an unquoted stretch; a word touching the next quote is left open. */
function pushBare(seg: string, text: string[], quoted: boolean[]): void {
  for (const w of seg.split(SPACE)) {
    if (w === '') continue;
    text.push(w);
    quoted.push(false);
  }
}

function tokenizeQuoted(line: string): Tokens {
  if (line.includes('\\')) return tokenizeEscaped(line);
  // Without backslashes, every odd part between quotes is quoted text.
  const parts = line.split('"');
  if (parts.length % 2 === 0) throw new LineError('unterminated quote');
  const text: string[] = [];
  const quoted: boolean[] = [];
  for (let k = 0; k < parts.length; k += 2) {
    const bare = parts[k]!;
    pushBare(bare, text, quoted);
    const q = parts[k + 1];
    if (q === undefined) break;
    const last = bare.charCodeAt(bare.length - 1);
    // A quote opened inside a word continues that word; the closing quote ends it.
    if (bare !== '' && last !== SP && last !== TAB) {
      text[text.length - 1] += q;
      quoted[quoted.length - 1] = true;
    } else {
      text.push(q);
      quoted.push(true);
    }
  }
  return { text, quoted };
}

/** The general case, with backslash escapes inside quotes. */
function tokenizeEscaped(line: string): Tokens {
  const text: string[] = [];
  const quoted: boolean[] = [];
  let buf = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) {
      const end = readQuoted(line, i + 1);
      text.push(buf + end.text);
      quoted.push(true);
      buf = '';
      inWord = false;
      i = end.next;
      continue;
    }
    i++;
    if (c === SP || c === TAB) {
      if (inWord) {
        text.push(buf);
        quoted.push(false);
      }
      buf = '';
      inWord = false;
    } else {
      buf += line[i - 1];
      inWord = true;
    }
  }
  if (inWord) {
    text.push(buf);
    quoted.push(false);
  }
  return { text, quoted };
}

function readQuoted(line: string, start: number): { text: string; next: number } {
  let text = '';
  let i = start;
  while (i < line.length) {
    const c = line[i++];
    if (c === '"') return { text, next: i };
    if (c === '\\') {
      if (i >= line.length) break;
      text += line[i++];
    } else {
      text += c;
    }
  }
  throw new LineError('unterminated quote');
}

/**
 * How iptables-save prints an option's value:
 * - `save`: xtables_save_string, quoted unless it is only `[A-Za-z0-9_-]`, escaping `"`, `\` and `'`;
 * - `always`: always quoted, escaping `"` and `\` (the string and u32 matches);
 * - `plain`: printed as is (quoted here only when it could not be read back otherwise).
 * `save` and `always` options take exactly one value, even one that looks like a flag.
 */
export type QuoteStyle = 'save' | 'always' | 'plain';

const STYLES: ReadonlyMap<string, QuoteStyle> = new Map<string, QuoteStyle>([
  ['comment', 'save'],
  ['log-prefix', 'save'],
  ['nflog-prefix', 'save'],
  ['helper', 'save'],
  ['string', 'always'],
  ['hex-string', 'always'],
  ['u32', 'always'],
]);

/** The quoting style of a long option (by name without dashes); short options are plain. */
export function quoteStyle(name: string, short?: boolean): QuoteStyle {
  if (short) return 'plain';
  return STYLES.get(name) ?? 'plain';
}

const SAFE = /^[A-Za-z0-9_-]+$/;
const NEEDS_QUOTES = /[\s"]/;

/** True when an unquoted token is an option name (`-s`, `--dport`) rather than a value. */
export function isFlag(text: string): boolean {
  if (text.charCodeAt(0) !== DASH) return false;
  const c = text.charCodeAt(1) === DASH ? text.charCodeAt(2) : text.charCodeAt(1);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function quoted(value: string, special: RegExp): string {
  return `"${value.replace(special, '\\$&')}"`;
}

/** A value as iptables-save prints it, in the given style. */
export function quoteValue(value: string, style: QuoteStyle = 'plain'): string {
  if (style === 'save') return SAFE.test(value) ? value : quoted(value, /["\\']/g);
  if (style === 'always') return quoted(value, /["\\]/g);
  if (value === '' || value === '!' || NEEDS_QUOTES.test(value) || isFlag(value)) return quoted(value, /["\\]/g);
  return value;
}
