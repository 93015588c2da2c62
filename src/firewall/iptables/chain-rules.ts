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

/**
 * One chain's rules, as bare `-A` lines. Immutable: a change gives a new object, which
 * remembers the chain it was made from and what it appended or took out, so diff plans
 * exactly that without comparing the chain's lines, and the text is edited without
 * splitting it to append (a chain of one rule per container stays one string).
 */
export class ChainRules {
  private list: readonly string[] | undefined;
  private readonly objs = new Map<number, Rule>();
  /** The chain this one was made from, with `added` at its end or `removed` (its indices) taken out. */
  base?: ChainRules;
  added?: readonly Rule[];
  removed?: readonly number[];

  private constructor(
    readonly chain: string,
    private text: string | undefined,
    list: readonly string[] | undefined,
  ) {
    this.list = list;
  }

  /** A chain read back from its stored text (lines joined by newlines): split on first use. */
  static fromText(chain: string, text: string): ChainRules {
    return new ChainRules(chain, text, text === '' ? [] : undefined);
  }

  /** A chain of these rule objects (all of chain `chain`), kept as they are. */
  static fromRules(chain: string, rules: readonly Rule[]): ChainRules {
    const c = new ChainRules(chain, undefined, rules.map(bareRuleLine));
    rules.forEach((r, i) => c.objs.set(i, r));
    return c;
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
    let r = this.objs.get(i);
    if (r === undefined) {
      const base = this.base;
      // An appended rule is the caller's own object; a kept one, the base chain's.
      if (base && this.added) r = i >= base.length ? this.added[i - base.length] : base.rule(i);
      r ??= ruleOf(this.lines[i]!);
      this.objs.set(i, r);
    }
    return r;
  }

  /** The rules from index `from` on. */
  rules(from = 0): Rule[] {
    const out: Rule[] = [];
    for (let i = from; i < this.length; i++) out.push(this.rule(i));
    return out;
  }

  /** Where `rule` (an object this chain gave out) sits, or -1. */
  indexOf(rule: Rule): number {
    for (const [i, r] of this.objs) if (r === rule) return i;
    return -1;
  }

  /** This chain with `rules` (of this chain) at its end. */
  appended(rules: readonly Rule[]): ChainRules {
    if (rules.length === 0) return this;
    const tail = rules.map(bareRuleLine);
    const before = this.text ?? (this.list!.length === 0 ? '' : undefined);
    const text = before === undefined ? undefined : [...(before === '' ? [] : [before]), ...tail].join('\n');
    const c = new ChainRules(this.chain, text, text === undefined ? [...this.lines, ...tail] : undefined);
    c.base = this;
    c.added = rules;
    return c;
  }

  /** This chain less one occurrence of each line of `drop`, or undefined when one is missing. */
  without(drop: readonly string[]): ChainRules | undefined {
    const lines = this.lines;
    const taken = new Set<number>();
    for (const line of drop) {
      let i = lines.indexOf(line);
      while (i >= 0 && taken.has(i)) i = lines.indexOf(line, i + 1);
      if (i < 0) return undefined;
      taken.add(i);
    }
    const left = lines.filter((_, i) => !taken.has(i));
    const c = new ChainRules(this.chain, undefined, left);
    c.base = this;
    c.removed = [...taken].sort((a, b) => a - b);
    return c;
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
