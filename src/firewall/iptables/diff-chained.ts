/**
 * diff for two chained tables (chain-rules.ts): the same plan as the rule-by-rule diff, decided
 * chain by chain on lines. A chain whose object both sides share (a delta changed other
 * chains) is skipped without a look at its rules, and only the rules a plan carries are built:
 * the appended ones, the live ones deleted, the chains written whole.
 */
import { InternalError } from '../../errors.js';
import type { Table } from './ast.js';
import { ChainRules } from './chain-rules.js';
import type { TablePlan } from './diff.js';
import { isBuiltinChain, isOwnedChain } from './plan-names.js';

const NONE = ChainRules.fromRules('', []);

/** Whether `want` begins with the lines of `have`. */
function startsWith(want: readonly string[], have: readonly string[]): boolean {
  if (want.length < have.length) return false;
  for (let i = 0; i < have.length; i++) if (want[i] !== have[i]) return false;
  return true;
}

/** The indices of `have` not matched, in order, by `want`; undefined if `want` is not a subsequence of `have`. */
function dropped(want: readonly string[], have: readonly string[]): number[] | undefined {
  const out: number[] = [];
  let i = 0;
  for (let k = 0; k < have.length; k++) {
    if (i < want.length && want[i] === have[k]) i++;
    else out.push(k);
  }
  return i === want.length ? out : undefined;
}

function diffOwnedChain(plan: TablePlan, name: string, want: ChainRules, have: ChainRules | undefined): void {
  if (have === undefined) {
    plan.write.push({ name, rules: want.rules() });
    return;
  }
  if (want === have) return;
  // Made from the live chain by a delta: exactly its change, without comparing lines.
  if (want.base === have && want.added) {
    plan.append.push(...want.added);
    return;
  }
  if (want.base === have && want.removed) {
    plan.deleteRules.push(...want.removed.map((i) => have.rule(i)));
    return;
  }
  const w = want.lines;
  const h = have.lines;
  if (startsWith(w, h)) {
    if (w.length > h.length) plan.append.push(...want.rules(h.length));
    return;
  }
  const gone = dropped(w, h);
  if (gone) plan.deleteRules.push(...gone.map((i) => have.rule(i)));
  else plan.write.push({ name, rules: want.rules() });
}

/** Fills `plan` with the change turning `have` into `want`, given both tables' chains. */
export function diffChained(
  plan: TablePlan,
  want: Table,
  have: Table,
  ws: ReadonlyMap<string, ChainRules>,
  hs: ReadonlyMap<string, ChainRules>,
): void {
  const haveChains = new Set(have.chains.map((c) => c.name));
  const wantChains = new Set(want.chains.map((c) => c.name));
  for (const c of want.chains)
    diffOwnedChain(plan, c.name, ws.get(c.name) ?? NONE, haveChains.has(c.name) ? (hs.get(c.name) ?? NONE) : undefined);
  for (const c of have.chains) if (!wantChains.has(c.name)) plan.remove.push(c.name);
  // Tagged rules in a built-in chain are one block: unchanged, or all replaced at the top.
  for (const chain of new Set([...ws.keys(), ...hs.keys()])) {
    if (isOwnedChain(chain)) continue;
    if (!isBuiltinChain(want.name, chain))
      throw new InternalError(`owned rule in foreign chain "${chain}" of table "${want.name}"`);
    const w = ws.get(chain) ?? NONE;
    const h = hs.get(chain) ?? NONE;
    if (w === h || (w.length === h.length && startsWith(w.lines, h.lines))) continue;
    plan.deleteRules.push(...h.rules());
    plan.insertRules.push(...w.rules());
  }
}
