/**
 * Splitting an instruction's line into keyword, flags and arguments, as buildkit's
 * split_command.go and line_parsers.go do (their dispatch table by keyword). Pure.
 */
import { DockerfileError } from './errors.js';

const WHITESPACE = /[\t\v\f\r ]+/;
const isSpace = (ch: string): boolean => /\s/u.test(ch);

/** Keyword, `--flags` before the arguments (quotes and escapes removed), and the rest. */
export function splitCommand(
  line: string,
  esc: string,
  _lineNo: number,
): { cmd: string; flags: string[]; rest: string } {
  const trimmed = line.trim();
  const m = WHITESPACE.exec(trimmed);
  if (!m) return { cmd: trimmed, flags: [], rest: '' };
  const { rest, flags } = extractFlags(trimmed.slice(m.index + m[0].length), esc);
  return { cmd: trimmed.slice(0, m.index), flags, rest: rest.trim() };
}

function extractFlags(line: string, esc: string): { rest: string; flags: string[] } {
  const flags: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOk = false;
  for (let pos = 0; pos <= line.length; pos++) {
    let ch = line[pos] ?? '';
    if (phase === 'spaces') {
      if (pos === line.length) break;
      if (isSpace(ch)) continue;
      if (ch !== '-' || line[pos + 1] !== '-') return { rest: line.slice(pos), flags };
      phase = 'word';
    }
    if (pos === line.length) {
      if (word !== '--' && (blankOk || word.length > 0)) flags.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (word === '--') return { rest: line.slice(pos), flags };
        if (blankOk || word.length > 0) flags.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
        continue;
      }
      if (ch === esc) {
        if (pos + 1 === line.length) continue;
        ch = line[++pos]!;
      }
      word += ch;
      continue;
    }
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === esc) {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue;
      }
      ch = line[++pos]!;
    }
    word += ch;
  }
  return { rest: '', flags };
}

/** buildkit's parseWords: splits on blanks outside quotes, keeping quotes and escapes. */
export function parseWords(rest: string, esc: string): string[] {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOk = false;
  let word = '';
  const chars = Array.from(rest);
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = chars[pos] ?? '';
    if (phase === 'spaces') {
      if (pos === chars.length) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (pos === chars.length) {
      if (blankOk || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOk || word.length > 0) words.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
      }
      if (ch === esc) {
        if (pos + 1 === chars.length) continue;
        word += ch;
        ch = chars[++pos]!;
      }
      word += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    if (ch === esc && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      word += ch;
      ch = chars[++pos]!;
    }
    word += ch;
  }
  return words;
}

/** ENV/LABEL: `k v` (one pair, sep ``) or `k=v k2=v2` (sep `=`): flattened key, value, sep triples. */
function nameVal(rest: string, key: string, esc: string, line: number): string[] {
  const words = parseWords(rest, esc);
  if (words.length === 0) return [];
  if (!words[0]!.includes('=')) {
    const m = WHITESPACE.exec(rest);
    if (!m) throw new DockerfileError(line, `${key} must have two arguments`);
    return [rest.slice(0, m.index), rest.slice(m.index + m[0].length), ''];
  }
  return words.flatMap((w) => {
    const i = w.indexOf('=');
    if (i < 0)
      throw new DockerfileError(line, `Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    return [w.slice(0, i), w.slice(i + 1), '='];
  });
}

/** A JSON array of strings, or why not. */
function parseJson(rest: string): string[] | 'not-json' | 'not-strings' {
  const t = rest.trimStart();
  if (!t.startsWith('[')) return 'not-json';
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return 'not-json';
  }
  if (!Array.isArray(v)) return 'not-json';
  return v.every((x) => typeof x === 'string') ? (v as string[]) : 'not-strings';
}

function maybeJson(rest: string, line: number, list: boolean): { args: string[]; json: boolean } {
  if (rest === '' && !list) return { args: [], json: false };
  const j = parseJson(rest);
  if (j === 'not-strings')
    throw new DockerfileError(line, 'when using JSON array syntax, arrays must be comprised of strings only');
  if (j !== 'not-json') return { args: j, json: true };
  return { args: list ? splitWhitespace(rest) : [rest], json: false };
}

const splitWhitespace = (rest: string): string[] => (rest === '' ? [] : rest.split(WHITESPACE));

/** The arguments of KEYWORD's REST as buildkit's dispatch table parses them. */
export function argsOf(keyword: string, rest: string, esc: string, line: number): { args: string[]; json: boolean } {
  switch (keyword) {
    case 'ADD':
    case 'COPY':
    case 'VOLUME':
      return maybeJson(rest, line, true);
    case 'CMD':
    case 'ENTRYPOINT':
    case 'RUN':
    case 'SHELL':
      return maybeJson(rest, line, false);
    case 'ARG':
      return { args: parseWords(rest, esc), json: false };
    case 'ENV':
    case 'LABEL':
      return { args: nameVal(rest, keyword, esc, line), json: false };
    case 'EXPOSE':
    case 'FROM':
      return { args: splitWhitespace(rest), json: false };
    case 'HEALTHCHECK': {
      const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
      if (!m) return { args: [], json: false };
      const cmd = maybeJson(m[2]!, line, false);
      return { args: [m[1]!, ...cmd.args], json: cmd.json };
    }
    case 'MAINTAINER':
    case 'STOPSIGNAL':
    case 'USER':
    case 'WORKDIR':
      return { args: rest === '' ? [] : [rest], json: false };
    default:
      return { args: [], json: false };
  }
}
