/**
 * Keeps FORWARD's jump to DOCKER-USER in front of Docker's own rules in each family where
 * the netctl-docker block is loaded. Docker 20.10 makes that jump for IPv4 only and inserts
 * a new network's rules at the top of FORWARD (moby/moby#42477): with `--ip6tables` its
 * IPv6 rules would accept published ports before DOCKER-USER, and so before ufw. Run at
 * every reconciliation and after each network Docker creates. The documents are
 * block-kind.ts's; this reads the live rules and loads them.
 */
import { readRuleset, restoreDocument } from '../firewall/iptables/apply.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import type { Family } from '../model/addr.js';
import { hasChain } from '../firewall/ufw/plan.js';
import { dockerChain, forwardJumpDoc } from './block-kind.js';

/** One family's move: the `iptables-restore --noflush` document that puts the jump back on top. */
export interface ForwardMove {
  family: Family;
  doc: string;
}

/** The moves needed where the jump is out of place (reads the live rules, changes nothing). */
export async function planForwardJump(ufw: UfwDeps): Promise<ForwardMove[]> {
  const moves: ForwardMove[] = [];
  for (const family of [4, 6] as const) {
    const live = await readRuleset(ufw.runner, family, 'filter');
    if (!hasChain(live, dockerChain(family))) continue;
    const doc = forwardJumpDoc(live);
    if (doc !== undefined) moves.push({ family, doc });
  }
  return moves;
}

/** Loads the planned moves. */
export async function applyForwardJump(ufw: UfwDeps, moves: readonly ForwardMove[]): Promise<void> {
  for (const m of moves) await restoreDocument(ufw.runner, m.family, m.doc);
}

/** The log line for moved families. */
export function forwardJumpMessage(families: readonly Family[], dryRun = false): string {
  const which = families.map((f) => `IPv${f}`).join(' and ');
  return `${dryRun ? 'would move' : 'moved'} FORWARD's jump to DOCKER-USER in front of Docker's rules (${which})`;
}
