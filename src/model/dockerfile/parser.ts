/**
 * Dockerfile text to instructions, ported from buildkit frontend/dockerfile/parser/parser.go:
 * parser directives (`# escape=`, `# syntax=` read and ignored), comments, continuations with
 * the escape character (comment and empty lines inside a continuation skipped), heredocs for
 * RUN/COPY/ADD (`<<EOF`, `<<-EOF`, quoted delimiters). Pure.
 */
import { DockerfileError } from './errors.js';
import { argsOf, splitCommand } from './parser-args.js';
import { expandWords } from './shell-lex.js';
import type { Heredoc } from './types.js';

/** One instruction as buildkit's parser leaves it (its AST node). */
export interface Instruction {
  /** Upper-cased keyword (`RUN`). */
  keyword: string;
  /** Flags as written before the arguments, quotes and escapes removed (`--from=build`). */
  flags: string[];
  /** The argument text after the flags, continuations joined, trimmed. */
  rest: string;
  /** The arguments as buildkit's dispatch table splits them (JSON array, words, key/value/sep triples...). */
  args: string[];
  /** The arguments were a JSON array (exec form). */
  json: boolean;
  /** ONBUILD's trigger, parsed. */
  sub?: Instruction;
  heredocs: Heredoc[];
  /** 1-based first and last line (heredoc bodies included). */
  line: number;
  endLine: number;
  /** Keyword, flags and arguments as written, continuations joined. */
  original: string;
}

/** A parsed Dockerfile. */
export interface ParsedDockerfile {
  /** The escape character (`\` by default, or from `# escape=`). */
  escape: string;
  instructions: Instruction[];
  /** `Empty continuation line found in: ...` warnings, as buildkit gives them. */
  warnings: string[];
}

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC = /^(\d*)<<(-?)\s*([^<]*)$/;

/** Parser directives: read only before the first other line; each key at most once. */
class Directives {
  esc = '\\';
  continuation = contRegex('\\');
  private done = false;
  private readonly seen = new Set<string>();

  /** Reads LINE as a possible directive; returns true if it was one. */
  read(line: string, lineNo: number): boolean {
    if (this.done) return false;
    const m = line.startsWith('#') ? DIRECTIVE.exec(line.slice(1).trimStart()) : null;
    const key = m?.[1]?.toLowerCase();
    if (!m || !key || !['syntax', 'escape', 'check'].includes(key)) {
      this.done = true;
      return false;
    }
    if (this.seen.has(key)) throw new DockerfileError(lineNo, `only one ${key} parser directive can be used`);
    this.seen.add(key);
    if (key === 'escape') {
      const v = m[2]!;
      if (v !== '`' && v !== '\\')
        throw new DockerfileError(lineNo, `invalid escape token '${v}' does not match \` or \\`);
      this.esc = v;
      this.continuation = contRegex(v);
    }
    return true;
  }
}

function contRegex(esc: string): RegExp {
  const e = `\\${esc}`;
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

const trimNewline = (s: string): string => s.replace(/[\r\n]+$/, '');
const isComment = (s: string): boolean => s.trimStart().startsWith('#');

/** Splits TEXT into lines keeping their `\n`, as buildkit's scanLines does. */
function linesOf(text: string): string[] {
  const out = text.replace(/^\uFEFF/, '').split(/(?<=\n)/);
  if (out.at(-1) === '') out.pop();
  return out;
}

/** Parses TEXT; throws a DockerfileError `Dockerfile:LINE: ...` on the first error. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const d = new Directives();
  const lines = linesOf(text);
  const instructions: Instruction[] = [];
  const warnings: string[] = [];
  let i = 0;
  const processLine = (raw: string, stripLeft: boolean): string => {
    let s = trimNewline(raw);
    if (stripLeft) s = s.trimStart();
    d.read(s, i);
    return isComment(s) ? '' : s;
  };
  const trimCont = (s: string): [string, boolean] =>
    d.continuation.test(s) ? [s.replace(d.continuation, '$1'), false] : [s, true];
  while (i < lines.length) {
    i++;
    const start = i;
    let [buf, eol] = trimCont(processLine(lines[i - 1]!, true));
    if (eol && buf === '') continue;
    let emptyCont = false;
    while (!eol && i < lines.length) {
      const raw = lines[i++]!;
      const s = processLine(raw, false);
      if (isComment(raw)) continue;
      if (s.trim() === '') {
        emptyCont = true;
        continue;
      }
      let part: string;
      [part, eol] = trimCont(s);
      buf += part;
    }
    if (emptyCont) warnings.push(`Empty continuation line found in: ${buf}`);
    const ins = instructionOf(buf, d.esc, start, i);
    const target = ins.keyword === 'ONBUILD' && ins.sub ? ins.sub : ins;
    if (!target.json && ['ADD', 'COPY', 'RUN'].includes(target.keyword) && buf.includes('<<')) {
      for (const h of heredocsOf(buf, start)) {
        const body = readHeredoc(lines, i, h, start);
        i = body.next;
        target.heredocs.push({ ...h, content: body.content });
      }
      ins.endLine = i;
    }
    instructions.push(ins);
  }
  if (instructions.length === 0) throw new DockerfileError(Math.max(i, 1), 'file with no instructions');
  return { escape: d.esc, instructions, warnings };
}

/** One logical line (continuations joined) to an instruction. */
export function instructionOf(line: string, esc: string, start: number, end: number): Instruction {
  const { cmd, flags, rest } = splitCommand(line, esc, start);
  const keyword = cmd.toUpperCase();
  const ins: Instruction = {
    keyword,
    flags,
    rest,
    args: [],
    json: false,
    heredocs: [],
    line: start,
    endLine: end,
    original: line.trim(),
  };
  if (keyword === 'ONBUILD') {
    if (rest !== '') ins.sub = instructionOf(rest, esc, start, end);
    return ins;
  }
  const { args, json } = argsOf(keyword, rest, esc, start);
  ins.args = args;
  ins.json = json;
  return ins;
}

/** The heredoc words of LINE (`<<EOF`, `<<-"EOF"`, `3<<EOF`), as buildkit's heredocsFromLine finds them. */
function heredocsOf(line: string, lineNo: number): Omit<Heredoc, 'content'>[] {
  let words: string[];
  try {
    words = expandWords(line, () => undefined, '\\', undefined, {
      rawQuotes: true,
      rawEscapes: true,
      skipUnset: true,
    });
  } catch {
    return [];
  }
  const out: Omit<Heredoc, 'content'>[] = [];
  for (const word of words) {
    const m = HEREDOC.exec(word);
    if (!m || m[3] === '') continue;
    const name = lexHeredocName(m[3]!, false, lineNo);
    const raw = lexHeredocName(m[3]!, true, lineNo);
    if (name === undefined || raw === undefined) continue;
    const quotes = (s: string): number => (s.match(/['"]/g) ?? []).length;
    out.push({ name, chomp: m[2] === '-', expand: quotes(name) === quotes(raw) });
  }
  return out;
}

function lexHeredocName(rest: string, rawQuotes: boolean, lineNo: number): string | undefined {
  try {
    const w = expandWords(rest, () => undefined, '\\', undefined, { rawQuotes, skipUnset: true });
    return w.length === 1 ? w[0] : undefined;
  } catch (e) {
    throw new DockerfileError(lineNo, (e as Error).message);
  }
}

/** Reads a heredoc body from LINES[FROM...] up to its terminator. */
function readHeredoc(
  lines: string[],
  from: number,
  h: Omit<Heredoc, 'content'>,
  start: number,
): { content: string; next: number } {
  let content = '';
  for (let i = from; i < lines.length; i++) {
    const raw = lines[i]!;
    let end = trimNewline(raw);
    if (h.chomp) end = end.replace(/^\t+/, '');
    if (end === h.name) return { content, next: i + 1 };
    content += h.chomp ? raw.replace(/^\t+/, '') : raw;
  }
  throw new DockerfileError(start, `unterminated heredoc "${h.name}"`);
}
