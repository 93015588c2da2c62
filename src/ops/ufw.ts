/**
 * `netctl ufw install|uninstall|check|sync` and the shared install/uninstall/check of any
 * after.rules block (Docker's too, ops/docker.ts): the block written to ufw's files and its
 * chain loaded, then netctl's own rules moved onto (or off) the block's chain. Every verb
 * returns its plan: the files' diffs, the iptables-restore documents, and what follows.
 */
import { checkBlock, installBlock, uninstallBlock, type UfwResult } from '../firewall/ufw/apply.js';
import { NETCTL_BLOCK, type BlockKind } from '../firewall/ufw/block-kind.js';
import { blockChainDocs, deleteChainDoc } from '../firewall/ufw/block-docs.js';
import { blockInstalled } from '../firewall/ufw/block.js';
import type { Family } from '../model/addr.js';
import { ufwFamily } from '../firewall/ufw/names.js';
import { planRoutes, routesChanged, routesDiff } from '../firewall/ufw/routes-apply.js';
import { displayText } from '../firewall/ufw/report.js';
import { desiredRoutes } from '../engine/allow-routes.js';
import { ufwBlockInstalled } from '../engine/open.js';
import type { ChangePlan } from '../engine/plan.js';
import { planReconcile } from '../engine/reconcile.js';
import { routeState } from '../engine/ufw-routes.js';
import type { Host } from './host.js';
import { refuseMixedFlavours } from './flavour.js';
import { transactPreview } from './tx.js';

export type { UfwResult } from '../firewall/ufw/apply.js';
export type { BlockKind } from '../firewall/ufw/block-kind.js';
export { NETCTL_BLOCK } from '../firewall/ufw/block-kind.js';
export { renderApply, renderCheck, renderDiffs } from '../firewall/ufw/report.js';

/** What install or uninstall did (or, with `dryRun`, would do). */
export interface BlockOutcome {
  result: UfwResult;
  plan: ChangePlan;
  applied: boolean;
}

/** What `ufw check` found: the block's state, and netctl's route rules against the database. */
export interface UfwCheck {
  block: UfwResult;
  /** The diff that `netctl ufw sync` would make to ufw's user rules ('' when none). */
  routes: string;
  drift: boolean;
}

type Verb = 'install' | 'uninstall';

function restoreHeader(family: Family): string {
  return `# ${ufwFamily(family).restore} -n\n`;
}

/** The plan of an install or uninstall result: file diffs and chain documents. */
function blockPlan(r: UfwResult, kind: BlockKind): ChangePlan {
  const plan: ChangePlan = {
    operations: [],
    rules: blockChainDocs(r, kind)
      .map((d) => restoreHeader(d.family) + d.doc)
      .join(''),
  };
  const files = r.files.map((f) => displayText(f.plan.diff)).filter((d) => d !== '');
  if (files.length > 0) plan.files = files;
  return plan;
}

/** Installs or uninstalls a block (netctl's own unless `kind` says otherwise), without what follows. */
export async function changeBlock(
  host: Host,
  verb: Verb,
  kind: BlockKind,
  opts: { dryRun?: boolean },
): Promise<BlockOutcome> {
  const dryRun = opts.dryRun === true;
  if (verb === 'install') await refuseMixedFlavours(host);
  const result = await (verb === 'install' ? installBlock : uninstallBlock)(host.ufw, { dryRun, kind });
  return { result, plan: blockPlan(result, kind), applied: !dryRun };
}

/** What `check` says of a block: the diff install would make, nothing changed. */
export function checkBlockOf(host: Host, kind: BlockKind): Promise<UfwResult> {
  return checkBlock(host.ufw, kind);
}

/** Whether netctl's block will be in a family's after.rules once `r` is written. */
function installedAfter(r: UfwResult, verb: Verb, family: Family): boolean {
  const file = r.files.find((f) => f.plan.family === family);
  return verb === 'install' && file !== undefined && blockInstalled(file.plan.new);
}

/**
 * After netctl's block was installed or removed: its own port rules switch to (or away
 * from) the block's chain, and a chain no longer installed and no longer referenced goes.
 * Returns what it applied.
 */
async function moveNetctlRules(host: Host): Promise<string> {
  const applied = (await transactPreview(host, {}, planReconcile)).result;
  let rules = '';
  for (const family of [4, 6] as const) {
    if (ufwBlockInstalled(host.ufw.etc, family)) continue;
    const spec = ufwFamily(family);
    // Absent already is fine (the exit code is not looked at): this only cleans up what
    // uninstall could merely empty.
    await host.ufw.runner.run([spec.restore, '-w', '10', '--noflush'], { input: deleteChainDoc(family) });
    rules += `# ${spec.restore} --noflush\n${deleteChainDoc(family)}`;
  }
  return applied + rules;
}

/** `netctl ufw install` / `uninstall`: the block, then netctl's rules moved onto or off it. */
export async function ufwBlock(host: Host, verb: Verb, opts: { dryRun?: boolean }): Promise<BlockOutcome> {
  const out = await changeBlock(host, verb, NETCTL_BLOCK, opts);
  if (!out.applied) {
    const gone = ([4, 6] as const).filter((f) => !installedAfter(out.result, verb, f));
    out.plan.rules += gone.map((f) => `# ${ufwFamily(f).restore} --noflush\n${deleteChainDoc(f)}`).join('');
    out.plan.notes = ["netctl's own rules re-applied to follow the block (as netctl ufw sync does)"];
    return out;
  }
  out.plan.rules += await moveNetctlRules(host);
  return out;
}

/** `netctl ufw check`: the block, and netctl's route rules in ufw's files against the database. */
export async function ufwCheck(host: Host): Promise<UfwCheck> {
  const block = await checkBlock(host.ufw);
  const plan = await planRoutes(host.ufw, desiredRoutes(routeState(host.store())));
  const drift = routesChanged(plan);
  return { block, routes: drift ? routesDiff(plan) : '', drift };
}

/**
 * `netctl ufw sync`: netctl's rules and ufw route rules rewritten from the database (bridges
 * brought back too); returns what it applied, or with `dryRun` would apply ('' when in sync).
 */
export async function ufwSync(host: Host, opts: { dryRun?: boolean }): Promise<string> {
  return (await transactPreview(host, opts, planReconcile)).result;
}
