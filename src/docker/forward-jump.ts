/**
 * Keeps FORWARD's jump to DOCKER-USER in front of Docker's own rules in each family where
 * the netctl-docker block is loaded. Docker 20.10 makes that jump for IPv4 only and inserts
 * a new network's rules at the top of FORWARD (moby/moby#42477): with `--ip6tables` its
 * IPv6 rules would accept published ports before DOCKER-USER, and so before ufw. Run at
 * every reconciliation and after each network Docker creates. Effects; the plan is
 * block-kind.ts's.
 */
import { readRuleset, restoreDocument } from '../firewall/iptables/apply.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import type { Family } from '../model/addr.js';
import { hasChain } from '../firewall/ufw/plan.js';
import { dockerChain, forwardJumpDoc } from './block-kind.js';

/** Moves the jump where it is out of place (only reports with `dryRun`); returns those families. */
export async function keepForwardJump(ufw: UfwDeps, dryRun = false): Promise<Family[]> {
  const moved: Family[] = [];
  for (const family of [4, 6] as const) {
    const live = await readRuleset(ufw.runner, family, 'filter');
    if (!hasChain(live, dockerChain(family))) continue;
    const doc = forwardJumpDoc(live);
    if (doc === undefined) continue;
    if (!dryRun) await restoreDocument(ufw.runner, family, doc);
    moved.push(family);
  }
  return moved;
}

/** The log line for moved families. */
export function forwardJumpMessage(families: readonly Family[], dryRun = false): string {
  const which = families.map((f) => `IPv${f}`).join(' and ');
  return `${dryRun ? 'would move' : 'moved'} FORWARD's jump to DOCKER-USER in front of Docker's rules (${which})`;
}
