/**
 * One container's or one network's change applied to a known ruleset: its rules (desired.ts
 * containerRules, networkRules) appended at the end of their chains, its chains declared
 * after the others, or all of that taken out. Pure. Each function returns undefined when the
 * ruleset cannot be the one the change was planned against (a chain missing, a rule to take
 * out not there, a chain left with rules of its own), and the caller plans from every record
 * instead. The result is a chained table (chain-rules.ts): only the chains the change touches
 * are new objects, so diff skips the rest without looking at their rules.
 */
import type { Rule, Ruleset, Table } from './ast.js';
import { ChainRules, chainedTable, segmentsFor } from './chain-rules.js';
import { ruleKey } from './rule-equal.js';

function byChain(rules: readonly Rule[]): Map<string, Rule[]> {
  const out = new Map<string, Rule[]>();
  for (const r of rules) {
    const list = out.get(r.chain);
    if (list) list.push(r);
    else out.set(r.chain, [r]);
  }
  return out;
}

function addTo(t: Table, a: Table): Table | undefined {
  const declared = new Set(t.chains.map((c) => c.name));
  if (a.chains.some((c) => declared.has(c.name))) return undefined;
  const chains = [...t.chains, ...a.chains];
  const known = new Set(chains.map((c) => c.name));
  const segs = new Map(segmentsFor(t));
  for (const [chain, rules] of byChain(a.rules)) {
    if (!known.has(chain)) return undefined;
    segs.set(chain, (segs.get(chain) ?? ChainRules.fromRules(chain, [])).appended(rules));
  }
  return chainedTable(t.name, chains, segs);
}

function dropFrom(t: Table, d: Table): Table | undefined {
  const declared = new Set(t.chains.map((c) => c.name));
  if (!d.chains.every((c) => declared.has(c.name))) return undefined;
  const segs = new Map(segmentsFor(t));
  for (const [chain, rules] of byChain(d.rules)) {
    // By line (what sameRule decides): a live rule's is known, its fields need no parse.
    const left = segs.get(chain)?.without(rules.map(ruleKey));
    if (!left) return undefined;
    segs.set(chain, left);
  }
  const gone = new Set(d.chains.map((c) => c.name));
  for (const chain of gone) {
    // A chain taken out whole: anything left in it was not planned from these records.
    if ((segs.get(chain)?.length ?? 0) > 0) return undefined;
    segs.delete(chain);
  }
  return chainedTable(
    t.name,
    t.chains.filter((c) => !gone.has(c.name)),
    segs,
  );
}

function patch(live: Ruleset, part: Ruleset, edit: (t: Table, p: Table) => Table | undefined): Ruleset | undefined {
  const tables = new Map(live.tables.map((t) => [t.name, t]));
  for (const p of part.tables) {
    const t = tables.get(p.name);
    const next = t && edit(t, p);
    if (!next) return undefined;
    tables.set(p.name, next);
  }
  return { ...live, tables: live.tables.map((t) => tables.get(t.name)!) };
}

/**
 * `live` with the chains of `add` declared after its own (none may exist yet) and the rules
 * of `add` at the end of their chains, which must be declared in `live` or `add`.
 */
export function withRules(live: Ruleset, add: Ruleset): Ruleset | undefined {
  return patch(live, add, addTo);
}

/**
 * `live` less one occurrence of each rule of `drop`, found in the same chain, and less the
 * chains `drop` declares, which must be left empty.
 */
export function withoutRules(live: Ruleset, drop: Ruleset): Ruleset | undefined {
  return patch(live, drop, dropFrom);
}
