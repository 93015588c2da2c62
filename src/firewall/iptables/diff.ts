/**
 * The change from one owned ruleset to another, as data. Two rules are the same when they
 * render to the same canonical line (rule-equal.ts), so an unchanged chain is never re-sent.
 * A chain that only gained rules at its end gets `-A`s, one that only lost rules gets `-D`s,
 * and any other change re-declares it (which flushes it under `--noflush`) and refills it whole.
 * The same function plans a rollback: diff(snapshotBefore, ownedAfter).
 */
import { InternalError } from '../../errors.js';
import type { Rule, Ruleset, Table } from './ast.js';
import { groupBy } from '../../model/group.js';
import { isBuiltinChain, isOwnedChain } from './plan-names.js';
import { sameRule } from './rule-equal.js';
import { diffChained } from './diff-chained.js';
import { segmentsOf } from './chain-rules.js';

export { ruleKey } from './rule-equal.js';

/** An owned chain to declare (flushing it) and fill with `rules`, in order. */
export interface ChainWrite {
  name: string;
  rules: Rule[];
}

/** The changes in one table. `renderPlan` orders them so each step is valid. */
export interface TablePlan {
  table: string;
  /** Owned chains to (re)declare and fill. */
  write: ChainWrite[];
  /** Rules to append to owned chains that keep all their rules. */
  append: Rule[];
  /**
   * Rules to delete by spec (`-D CHAIN spec`), one per occurrence: from owned chains that
   * only lose rules, and tagged built-in rules.
   */
  deleteRules: Rule[];
  /** Tagged rules to put at the top of built-in chains, in final order (rendered as `-I CHAIN 1`). */
  insertRules: Rule[];
  /** Owned chains to flush and then delete with `-X`. */
  remove: string[];
}

/** A whole change for one address family; applied as one `iptables-restore --noflush`. */
export interface RestorePlan {
  family?: 4 | 6;
  tables: TablePlan[];
}

const rulesByChain = (t: Table | undefined): Map<string, Rule[]> => groupBy(t?.rules ?? [], (r) => r.chain);

/** Whether `want` begins with the rules of `have`, in order. */
function startsWith(want: Rule[], have: Rule[]): boolean {
  if (want.length < have.length) return false;
  for (let i = 0; i < have.length; i++) if (!sameRule(want[i]!, have[i]!)) return false;
  return true;
}

/** The rules of `have` not matched, in order, by `want`; undefined if `want` is not a subsequence of `have`. */
function dropped(want: Rule[], have: Rule[]): Rule[] | undefined {
  const out: Rule[] = [];
  let i = 0;
  for (const r of have) {
    if (i < want.length && sameRule(want[i]!, r)) i++;
    else out.push(r);
  }
  return i === want.length ? out : undefined;
}

function diffOwnedChain(plan: TablePlan, name: string, want: Rule[], have: Rule[] | undefined): void {
  if (have === undefined) {
    plan.write.push({ name, rules: want });
    return;
  }
  if (want.length === have.length && startsWith(want, have)) return;
  if (want.length > have.length && startsWith(want, have)) {
    plan.append.push(...want.slice(have.length));
    return;
  }
  const gone = dropped(want, have);
  if (gone) plan.deleteRules.push(...gone);
  else plan.write.push({ name, rules: want });
}

function diffTable(name: string, want: Table | undefined, have: Table | undefined): TablePlan {
  const plan: TablePlan = { table: name, write: [], append: [], deleteRules: [], insertRules: [], remove: [] };
  const ws = segmentsOf(want);
  const hs = segmentsOf(have);
  if (want && have && ws && hs) {
    diffChained(plan, want, have, ws, hs);
    return plan;
  }
  const wantRules = rulesByChain(want);
  const haveRules = rulesByChain(have);
  const haveChains = new Set(have?.chains.map((c) => c.name));
  const wantChains = new Set(want?.chains.map((c) => c.name));
  for (const c of want?.chains ?? []) {
    diffOwnedChain(
      plan,
      c.name,
      wantRules.get(c.name) ?? [],
      haveChains.has(c.name) ? (haveRules.get(c.name) ?? []) : undefined,
    );
  }
  for (const c of have?.chains ?? []) if (!wantChains.has(c.name)) plan.remove.push(c.name);
  // Tagged rules in a built-in chain are one block: unchanged, or all replaced at the top.
  // Replacing the block also removes duplicates a crash or a race may have left.
  for (const chain of new Set([...wantRules.keys(), ...haveRules.keys()])) {
    if (isOwnedChain(chain)) continue;
    if (!isBuiltinChain(name, chain))
      throw new InternalError(`owned rule in foreign chain "${chain}" of table "${name}"`);
    const w = wantRules.get(chain) ?? [];
    const h = haveRules.get(chain) ?? [];
    if (w.length === h.length && startsWith(w, h)) continue;
    plan.deleteRules.push(...h);
    plan.insertRules.push(...w);
  }
  return plan;
}

function emptyTable(t: TablePlan): boolean {
  return t.write.length + t.append.length + t.deleteRules.length + t.insertRules.length + t.remove.length === 0;
}

/**
 * Plans the change that turns the owned ruleset `liveOwned` into `desired`. Both hold only
 * owned chains and tagged built-in rules (see `desired` and `ownedPart`).
 */
export function diff(desired: Ruleset, liveOwned: Ruleset): RestorePlan {
  const names = [...new Set([...desired.tables, ...liveOwned.tables].map((t) => t.name))];
  const tables = names
    .map((n) =>
      diffTable(
        n,
        desired.tables.find((t) => t.name === n),
        liveOwned.tables.find((t) => t.name === n),
      ),
    )
    .filter((t) => !emptyTable(t));
  const family = desired.family ?? liveOwned.family;
  return family === undefined ? { tables } : { family, tables };
}

/** True when applying the plan would change nothing. */
export function isEmpty(plan: RestorePlan): boolean {
  return plan.tables.every(emptyTable);
}
