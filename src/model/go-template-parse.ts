/**
 * The parser of the Go text/template subset that `inspect -f` and `ps --format` take:
 * text, `{{pipeline}}`, `{{range P}}…{{else}}…{{end}}`, `{{if P}}…{{else}}…{{end}}`,
 * `{{with P}}…{{end}}`, `{{- trim -}}` markers. A pipeline is commands joined by `|`; a
 * command is a field path (`.A.B`, `.`, `$.A`), a string or number literal, or a function
 * with arguments (`json .Config`, `index .Labels "k"`). Pure.
 */
import { UsageError } from '../errors.js';

/** One argument of a command. */
export type Term =
  /** `root` is `.`, `$` (the top), or a variable `$name` set by range. */
  | { kind: 'field'; root: string; path: string[] }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'fn'; name: string }
  | { kind: 'pipe'; pipe: Pipeline };

/** A command: its terms; the first one a function, a field, or a literal. */
export type Command = Term[];
/** Commands joined by `|`: each one's result is passed as the next one's last argument. */
export type Pipeline = Command[];

/** A node of the parsed template. */
export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'range' | 'if' | 'with'; pipe: Pipeline; body: Node[]; orElse: Node[]; vars?: string[] };

function bad(tpl: string, why: string): UsageError {
  return new UsageError(`invalid template "${tpl}": ${why}`);
}

/** Splits an action's text into words: strings, parentheses, `|`, and bare words. */
function words(src: string, tpl: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) i++;
    else if (ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== ch) j += src[j] === '\\' && ch === '"' ? 2 : 1;
      if (j >= src.length) throw bad(tpl, 'unterminated string');
      out.push(src.slice(i, j + 1));
      i = j + 1;
    } else if (ch === '(' || ch === ')' || ch === '|') {
      out.push(ch);
      i++;
    } else {
      let j = i;
      while (j < src.length && !/[\s()|"`]/.test(src[j]!)) j++;
      out.push(src.slice(i, j));
      i = j;
    }
  }
  return out;
}

function term(w: string, tpl: string): Term {
  if (w.startsWith('"')) return { kind: 'literal', value: JSON.parse(w) as string };
  if (w.startsWith('`')) return { kind: 'literal', value: w.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(w)) return { kind: 'literal', value: Number(w) };
  if (w === 'true' || w === 'false') return { kind: 'literal', value: w === 'true' };
  if (w === '.') return { kind: 'field', root: w, path: [] };
  const f = /^(\$\w*)?((?:\.[A-Za-z_]\w*)*)$/.exec(w);
  if (f && (f[1] || f[2])) return { kind: 'field', root: f[1] ?? '.', path: f[2] ? f[2].slice(1).split('.') : [] };
  if (/^[A-Za-z_]\w*$/.test(w)) return { kind: 'fn', name: w };
  throw bad(tpl, `unexpected "${w}"`);
}

/** Parses the words of a pipeline from `pos`; returns it and where it stopped. */
function pipeline(ws: string[], pos: number, tpl: string): [Pipeline, number] {
  const pipe: Pipeline = [];
  let cmd: Command = [];
  let i = pos;
  for (; i < ws.length && ws[i] !== ')'; i++) {
    const w = ws[i]!;
    if (w === '|') {
      if (cmd.length === 0) throw bad(tpl, 'empty command before "|"');
      pipe.push(cmd);
      cmd = [];
    } else if (w === '(') {
      const [inner, end] = pipeline(ws, i + 1, tpl);
      if (ws[end] !== ')') throw bad(tpl, 'unclosed "("');
      cmd.push({ kind: 'pipe', pipe: inner });
      i = end;
    } else cmd.push(term(w, tpl));
  }
  if (cmd.length === 0) throw bad(tpl, 'empty command');
  pipe.push(cmd);
  return [pipe, i];
}

function parsePipe(src: string, tpl: string): Pipeline {
  const ws = words(src, tpl);
  const [pipe, end] = pipeline(ws, 0, tpl);
  if (end < ws.length) throw bad(tpl, 'unbalanced ")"');
  return pipe;
}

/** Text and actions in order, with `{{-`/`-}}` trimming applied. */
function tokens(tpl: string): ({ text: string } | { action: string })[] {
  const out: ({ text: string } | { action: string })[] = [];
  let rest = tpl;
  let trimNext = false;
  for (;;) {
    const open = rest.indexOf('{{');
    let text = open < 0 ? rest : rest.slice(0, open);
    if (trimNext) text = text.trimStart();
    if (open < 0) {
      if (text) out.push({ text });
      return out;
    }
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) throw bad(tpl, 'unclosed "{{"');
    let inner = rest.slice(open + 2, close);
    if (inner.startsWith('- ')) {
      text = text.trimEnd();
      inner = inner.slice(1);
    }
    trimNext = inner.endsWith(' -');
    if (trimNext) inner = inner.slice(0, -1);
    if (text) out.push({ text });
    out.push({ action: inner.trim() });
    rest = rest.slice(close + 2);
  }
}

/** Parses a template. @throws UsageError naming the template and what is wrong. */
export function parseTemplate(tpl: string): Node[] {
  const toks = tokens(tpl);
  let i = 0;
  const block = (): { nodes: Node[]; end: 'end' | 'else' | null } => {
    const nodes: Node[] = [];
    while (i < toks.length) {
      const t = toks[i++]!;
      if ('text' in t) {
        nodes.push({ kind: 'text', text: t.text });
        continue;
      }
      const a = t.action;
      if (a === 'end' || a === 'else') return { nodes, end: a };
      if (a.startsWith('/*')) continue;
      const kw = /^(range|if|with)\s+(?:(\$\w+)\s*(?:,\s*(\$\w+)\s*)?:=\s*)?(.*)$/s.exec(a);
      if (!kw) {
        nodes.push({ kind: 'action', pipe: parsePipe(a, tpl) });
        continue;
      }
      const body = block();
      if (!body.end) throw bad(tpl, `{{${kw[1]}}} without {{end}}`);
      const orElse = body.end === 'else' ? block() : { nodes: [], end: 'end' as const };
      if (orElse.end !== 'end') throw bad(tpl, `{{${kw[1]}}} without {{end}}`);
      const kind = kw[1] as 'range' | 'if' | 'with';
      const vars = [kw[2], kw[3]].filter((v): v is string => v !== undefined);
      const node = { kind, pipe: parsePipe(kw[4]!, tpl), body: body.nodes, orElse: orElse.nodes };
      nodes.push(vars.length ? { ...node, vars } : node);
    }
    return { nodes, end: null };
  };
  const top = block();
  if (top.end) throw bad(tpl, `unexpected {{${top.end}}}`);
  return top.nodes;
}
