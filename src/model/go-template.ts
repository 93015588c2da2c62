/**
 * A small evaluator of Go text/template, the subset Docker users write after `inspect -f`
 * and `ps --format`: field paths, `range`, `if`, `with`, and the functions Docker adds
 * (`json`, `join`, `upper`, `lower`, `title`, `split`, `truncate`, `pad`) beside Go's
 * (`index`, `len`, `printf`, `print`, `eq`, `ne`, `lt`, `gt`, `not`, `and`, `or`). Values print
 * as Go prints them: `map[k:v]`, `[a b]`, `<no value>`, `<nil>`. Written here rather than
 * taken from npm: the packages that port text/template are unmaintained or pull in a
 * whole Go runtime, and this subset is about 200 lines. Pure.
 */
import { UsageError } from '../errors.js';
import { type Node, type Pipeline, parseTemplate, type Term } from './go-template-parse.js';

export { parseTemplate } from './go-template-parse.js';

/** A value a field may hold; a function field is called with the command's arguments. */
type Value = unknown;

const NO_VALUE = Symbol('no value');

/** A value as Go's fmt prints it with %v. */
export function goString(v: Value): string {
  if (v === NO_VALUE || v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object).sort();
    return `map[${keys.map((k) => `${k}:${goString((v as Record<string, Value>)[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** Go's truth: false, 0, nil and empty strings, lists and maps are false. */
function truthy(v: Value): boolean {
  if (v === NO_VALUE || v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function printf(fmt: string, ...args: Value[]): string {
  let i = 0;
  return fmt.replace(/%([-\d]*)([svdqt%])/g, (_m, width: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    const s = verb === 'q' ? JSON.stringify(goString(a)) : goString(a);
    const w = Number(width);
    return width.startsWith('-') ? s.padEnd(-w) : s.padStart(w || 0);
  });
}

function index(v: Value, ...keys: Value[]): Value {
  let cur = v;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return NO_VALUE;
    const next = (cur as Record<string, Value>)[String(k)];
    cur = next === undefined ? NO_VALUE : next;
  }
  return cur;
}

const FUNCS: Record<string, (...a: Value[]) => Value> = {
  json: (v) => JSON.stringify(v === NO_VALUE ? null : v),
  index: (v, ...k) => index(v, ...k),
  len: (v) =>
    Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0,
  join: (v, sep) => (Array.isArray(v) ? v.map(goString).join(String(sep)) : goString(v)),
  split: (s, sep) => String(s).split(String(sep)),
  upper: (s) => goString(s).toUpperCase(),
  lower: (s) => goString(s).toLowerCase(),
  title: (s) => goString(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  truncate: (s, n) => goString(s).slice(0, Number(n)),
  pad: (s, l, r) => `${' '.repeat(Number(l))}${goString(s)}${' '.repeat(Number(r))}`,
  printf: (f, ...a) => printf(String(f), ...a),
  print: (...a) => a.map(goString).join(' '),
  println: (...a) => `${a.map(goString).join(' ')}\n`,
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  lt: (a, b) => (a as number) < (b as number),
  gt: (a, b) => (a as number) > (b as number),
  not: (a) => !truthy(a),
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
};

interface Scope {
  dot: Value;
  top: Value;
  vars: Record<string, Value>;
}

function field(scope: Scope, t: Extract<Term, { kind: 'field' }>, args: Value[], tpl: string): Value {
  let cur: Value;
  if (t.root === '.') cur = scope.dot;
  else if (t.root === '$') cur = scope.top;
  else if (t.root in scope.vars) cur = scope.vars[t.root];
  else throw new UsageError(`invalid template "${tpl}": undefined variable "${t.root}"`);
  for (const [i, key] of t.path.entries()) {
    if (cur === null || cur === undefined || cur === NO_VALUE) return NO_VALUE;
    if (typeof cur !== 'object')
      throw new UsageError(`template "${tpl}": can't evaluate field ${key} in ${typeof cur} "${goString(cur)}"`);
    const next = (cur as Record<string, Value>)[key];
    if (typeof next === 'function' && i === t.path.length - 1) return (next as (...a: Value[]) => Value)(...args);
    cur = next === undefined ? NO_VALUE : next;
  }
  return cur;
}

function command(scope: Scope, cmd: Term[], piped: Value[], tpl: string): Value {
  const [head, ...rest] = cmd as [Term, ...Term[]];
  const args = [...rest.map((t) => evalTerm(scope, t, [], tpl)), ...piped];
  if (head.kind === 'fn') {
    const fn = FUNCS[head.name];
    if (!fn) throw new UsageError(`invalid template "${tpl}": function "${head.name}" not defined`);
    return fn(...args);
  }
  if (args.length > 0 && head.kind !== 'field')
    throw new UsageError(`invalid template "${tpl}": can't give arguments to a non-function`);
  return evalTerm(scope, head, args, tpl);
}

function evalTerm(scope: Scope, t: Term, args: Value[], tpl: string): Value {
  if (t.kind === 'literal') return t.value;
  if (t.kind === 'pipe') return evalPipe(scope, t.pipe, tpl);
  if (t.kind === 'fn') return command(scope, [t], [], tpl);
  return field(scope, t, args, tpl);
}

function evalPipe(scope: Scope, pipe: Pipeline, tpl: string): Value {
  let v: Value = NO_VALUE;
  for (const [i, cmd] of pipe.entries()) v = command(scope, cmd, i === 0 ? [] : [v], tpl);
  return v;
}

/** Entries a range walks: a list's items, a map's values in key order. */
function entries(v: Value): [Value, Value][] {
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (v && typeof v === 'object')
    return Object.keys(v)
      .sort()
      .map((k) => [k, (v as Record<string, Value>)[k]]);
  if (typeof v === 'number') return Array.from({ length: v }, (_, i) => [i, i]);
  return [];
}

function render(nodes: readonly Node[], scope: Scope, tpl: string): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'action') out += goString(evalPipe(scope, n.pipe, tpl));
    else {
      const v = evalPipe(scope, n.pipe, tpl);
      if (n.kind === 'if') out += render(truthy(v) ? n.body : n.orElse, scope, tpl);
      else if (n.kind === 'with')
        out += truthy(v) ? render(n.body, { ...scope, dot: v }, tpl) : render(n.orElse, scope, tpl);
      else {
        const list = entries(v);
        if (list.length === 0) out += render(n.orElse, scope, tpl);
        for (const [k, x] of list) {
          const vars = { ...scope.vars };
          const [a, b] = n.vars ?? [];
          if (a && b) [vars[a], vars[b]] = [k, x];
          else if (a) vars[a] = x;
          out += render(n.body, { ...scope, dot: x, vars }, tpl);
        }
      }
    }
  }
  return out;
}

/** A parsed template, ready to render values. */
export interface Template {
  render(data: unknown): string;
}

/**
 * Compiles a Go template once (for every row of a listing).
 * @throws UsageError naming the template and what is wrong with it (when parsed or rendered).
 */
export function compileTemplate(tpl: string): Template {
  const nodes = parseTemplate(tpl);
  return { render: (data) => render(nodes, { dot: data, top: data, vars: { $: data } }, tpl) };
}

/** Renders `tpl` with `data` (`.`). */
export function renderTemplate(tpl: string, data: unknown): string {
  return compileTemplate(tpl).render(data);
}
