/**
 * A table's rules kept chain by chain, each chain as its rendered lines, with Rule objects
 * built only for the chains (and the rules) a plan touches. The rules cache stores tables so
 * (rules-cache.ts), the one-container and one-network deltas change only the chains they
 * touch and share every other chain's object with the live snapshot, and `diff` skips a
 * chain whose object did not change: a command's planning cost no longer grows with every
 * rule on the host, only with the chains it changes.
 *
 * A chained table is an ordinary {@link Table}: its `rules` (every chain's, chain by chain)
 * are built on first read, for the code that wants them all (doctor, the full planning path).
 */
import type { Chain, Rule, Table } from './ast.js';
import { lazyRule } from './lazy-rule.js';
import { parseRule } from './parse-rule.js';
import { bareRuleLine, primeLine } from './render.js';
import { tokenize } from './tokenize.js';

const intern = (s: string): string => s;

function ruleOf(line: string): Rule {
  const rule = lazyRule(line, intern) ?? parseRule(tokenize(line), intern);
  primeLine(rule, line);
  return rule;
}

/** One chain's rules, as bare `-A` lines. Immutable: a change gives a new object. */
export class ChainRules {
  private list: readonly string[] | undefined;
  private objs: (Rule | undefined)[] | undefined;

  private constructor(
    readonly chain: string,
    private text: string | undefined,
    list: readonly string[] | undefined,
    objs?: (Rule | undefined)[],
  ) {
    this.list = list;
    this.objs = objs;
  }

  /** A chain read back from its stored text (lines joined by newlines): split on first use. */
  static fromText(chain: string, text: string): ChainRules {
    return new ChainRules(chain, text, text === '' ? [] : undefined);
  }

  /** A chain of these rule objects (all of chain `chain`), kept as they are. */
  static fromRules(chain: string, rules: readonly Rule[]): ChainRules {
    return new ChainRules(chain, undefined, rules.map(bareRuleLine), [...rules]);
  }

  /** The rules' bare lines, in order. */
  get lines(): readonly string[] {
    this.list ??= this.text!.split('\n');
    return this.list;
  }

  get length(): number {
    return this.lines.length;
  }

  /** The stored form: the lines joined by newlines. */
  serialized(): string {
    this.text ??= this.lines.join('\n');
    return this.text;
  }

  /** The i-th rule, built once (the same object on every call). */
  rule(i: number): Rule {
    this.objs ??= new Array(this.length);
    let r = this.objs[i];
    if (r === undefined) {
      r = ruleOf(this.lines[i]!);
      this.objs[i] = r;
    }
    return r;
  }

  /** The rules from index `from` on. */
  rules(from = 0): Rule[] {
    const out: Rule[] = [];
    for (let i = from; i < this.length; i++) out.push(this.rule(i));
    return out;
  }

  /** This chain with `rules` (of this chain) at its end. */
  appended(rules: readonly Rule[]): ChainRules {
    const objs = this.objs ? [...this.objs] : new Array<Rule | undefined>(this.length);
    objs.push(...rules);
    return new ChainRules(this.chain, undefined, [...this.lines, ...rules.map(bareRuleLine)], objs);
  }

  /** This chain less one occurrence of each line of `drop`, or undefined when one is missing. */
  without(drop: readonly string[]): ChainRules | undefined {
    const keep = [...this.lines.keys()];
    const gone = new Set<number>();
    for (const line of drop) {
      const at = keep.findIndex((i) => !gone.has(i) && this.lines[i] === line);
      if (at < 0) return undefined;
      gone.add(at);
    }
    const left = keep.filter((i) => !gone.has(i));
    return new ChainRules(
      this.chain,
      undefined,
      left.map((i) => this.lines[i]!),
      left.map((i) => this.objs?.[i]),
    );
  }
}

const SEGMENTS = Symbol('chain rules');

type Chained = Table & { [SEGMENTS]: ReadonlyMap<string, ChainRules> };

/**
 * A table of `chains` (declarations) whose rules are `segments`, chain by chain; its
 * `rules` are built from them on first read.
 */
export function chainedTable(name: string, chains: Chain[], segments: ReadonlyMap<string, ChainRules>): Table {
  let rules: Rule[] | undefined;
  const t = { name, chains } as Table;
  Object.defineProperty(t, 'rules', {
    get: () => {
      rules ??= [...segments.values()].flatMap((s) => s.rules());
      return rules;
    },
    enumerable: true,
  });
  Object.defineProperty(t, SEGMENTS, { value: segments });
  return t;
}

/** The chains of a chained table, or undefined for a plain one. */
export function segmentsOf(t: Table | undefined): ReadonlyMap<string, ChainRules> | undefined {
  return (t as Partial<Chained> | undefined)?.[SEGMENTS];
}

/** The chains of `t`: its own when chained, else its rules grouped (each rendered once). */
export function segmentsFor(t: Table): ReadonlyMap<string, ChainRules> {
  const own = segmentsOf(t);
  if (own) return own;
  const by = new Map<string, Rule[]>();
  for (const r of t.rules) {
    const list = by.get(r.chain);
    if (list) list.push(r);
    else by.set(r.chain, [r]);
  }
  return new Map([...by].map(([c, rules]) => [c, ChainRules.fromRules(c, rules)]));
}

/** The rules of `chain` in `t`, in order: the chain's own objects when chained. */
export function chainRulesOf(t: Table, chain: string): Rule[] {
  const segs = segmentsOf(t);
  if (segs) return segs.get(chain)?.rules() ?? [];
  return t.rules.filter((r) => r.chain === chain);
}
