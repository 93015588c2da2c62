/**
 * One compose file's YAML to plain values, keeping the line of every key and item, and
 * substituting variables in every string on the way (as compose does, before validation).
 * YAML anchors, aliases and `<<` merge keys are resolved here. Pure but for the parser.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { interpolate, InterpolationError, type Vars } from './interpolate.js';
import type { KeyPath, Value } from './types.js';
import { UsageError } from '../errors.js';

/** Key path → 1-based line, one map per file. */
export class Lines {
  private readonly byPath = new Map<string, number>();

  constructor(readonly file: string) {}

  static key(path: KeyPath): string {
    return JSON.stringify(path);
  }

  set(path: KeyPath, line: number): void {
    this.byPath.set(Lines.key(path), line);
  }

  /** The line of `path`, or of its nearest ancestor that has one. */
  get(path: KeyPath): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const l = this.byPath.get(Lines.key(path.slice(0, n)));
      if (l !== undefined) return l;
    }
    return undefined;
  }

  /** Whether the file itself has a line for exactly `path`. */
  has(path: KeyPath): boolean {
    return this.byPath.has(Lines.key(path));
  }
}

/** A bad file: names the file and line. */
export function fileError(file: string, line: number | undefined, message: string): UsageError {
  return new UsageError(`${file}${line === undefined ? '' : `:${line}`}: ${message}`);
}

interface Walk {
  doc: Document;
  lc: LineCounter;
  lines: Lines;
  vars: Vars;
  depth: number;
}

function lineOf(w: Walk, node: { range?: [number, number, number] | null } | null | undefined): number | undefined {
  const off = node?.range?.[0];
  return off === undefined ? undefined : w.lc.linePos(off).line;
}

function scalar(w: Walk, node: Node, path: KeyPath): Value {
  const v = (node as { value: unknown }).value;
  if (typeof v === 'string') {
    try {
      return interpolate(v, w.vars);
    } catch (err) {
      if (err instanceof InterpolationError)
        throw fileError(w.lines.file, lineOf(w, node), `${err.message} (at ${describe(path)})`);
      throw err;
    }
  }
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

/** `services.web.ports[0]`, for messages. */
export function describe(path: KeyPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function mergeInto(w: Walk, out: Record<string, Value>, src: Node | null, path: KeyPath): void {
  const node = isAlias(src) ? (src.resolve(w.doc) as Node | undefined) : src;
  if (isSeq(node)) {
    for (const item of node.items) mergeInto(w, out, item as Node, path);
    return;
  }
  if (!isMap(node)) throw fileError(w.lines.file, lineOf(w, src), `"<<" merges a mapping, at ${describe(path)}`);
  const v = toValue(w, node, path) as Record<string, Value>;
  for (const [k, x] of Object.entries(v)) if (!(k in out)) out[k] = x;
}

function mapping(w: Walk, items: Pair[], path: KeyPath): Value {
  const out: Record<string, Value> = {};
  const merges: Pair[] = [];
  for (const pair of items) {
    const keyNode = pair.key as Node | null;
    const raw = isScalar(keyNode) ? keyNode.value : keyNode;
    // With merge keys on, the parser gives `<<` as a symbol.
    if (raw === '<<' || typeof raw === 'symbol') {
      merges.push(pair);
      continue;
    }
    const key = String(raw);
    const p = [...path, key];
    const line = lineOf(w, keyNode);
    if (line !== undefined) w.lines.set(p, line);
    out[key] = toValue(w, pair.value as Node | null, p);
  }
  for (const m of merges) mergeInto(w, out, m.value as Node | null, path);
  return out;
}

function toValue(w: Walk, node: Node | null, path: KeyPath): Value {
  if (node === null || node === undefined) return null;
  if (++w.depth > 10_000) throw fileError(w.lines.file, lineOf(w, node), 'too many nested aliases');
  if (isAlias(node)) return toValue(w, node.resolve(w.doc) as Node, path);
  if (isMap(node)) return mapping(w, node.items as Pair[], path);
  if (isSeq(node)) {
    return node.items.map((item, i) => {
      const p = [...path, i];
      const line = lineOf(w, item as Node);
      if (line !== undefined) w.lines.set(p, line);
      return toValue(w, item as Node, p);
    });
  }
  return scalar(w, node, path);
}

/** Parses one file's text; a YAML error names the file and line. */
export function parseYaml(file: string, text: string, vars: Vars): { value: Value; lines: Lines } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, merge: true });
  const first = doc.errors[0];
  if (first)
    throw fileError(file, first.linePos?.[0]?.line ?? lc.linePos(first.pos[0]).line, first.message.split('\n')[0]!);
  const lines = new Lines(file);
  const value = toValue({ doc, lc, lines, vars, depth: 0 }, doc.contents as Node | null, []);
  return { value, lines };
}
