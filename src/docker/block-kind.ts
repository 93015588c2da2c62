/**
 * The Docker block (`netctl docker install`): markers, templates, and how its chains in the
 * running firewall compare with the template and are taken out again. Pure.
 */
import type { Ruleset } from '../firewall/iptables/ast.js';
import { parse } from '../firewall/iptables/parse.js';
import type { BlockKind } from '../firewall/ufw/block-kind.js';
import { ufwFamily, type Family } from '../firewall/ufw/names.js';
import { chainRules, hasChain, type ChainState } from '../firewall/ufw/plan.js';

/** Docker's chain that it sends every forwarded packet to first. */
export const DOCKER_USER = 'DOCKER-USER';

/** The block's entry chain: `ufw-netctl-docker` (`ufw6-netctl-docker`). */
export function dockerChain(family: Family): string {
  return `${ufwFamily(family).prefix}-netctl-docker`;
}

/** The chain running ufw's routed chains for published Docker ports. */
export function dockerForwardChain(family: Family): string {
  return `${dockerChain(family)}-forward`;
}

function jumpRule(family: Family): string {
  return `-A ${DOCKER_USER} -j ${dockerChain(family)}`;
}

function sameRules(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

/** current: both chains as in the template and DOCKER-USER jumping to the first one first. */
export function dockerChainState(live: Ruleset, family: Family, template: string): ChainState {
  const chains = [dockerChain(family), dockerForwardChain(family)];
  if (!chains.every((c) => hasChain(live, c))) return 'absent';
  const want = parse(template, { family });
  const same = chains.every((c) => sameRules(chainRules(want, c), chainRules(live, c)));
  const first = chainRules(live, DOCKER_USER)[0];
  return same && first === jumpRule(family) ? 'current' : 'stale';
}

/**
 * Takes the jumps out of DOCKER-USER (rule by rule: Docker's RETURN and anybody else's
 * rules stay), then empties and deletes both chains.
 */
export function dockerUnloadDoc(family: Family, live: Ruleset | undefined): string {
  const jumps = live ? chainRules(live, DOCKER_USER).filter((r) => r === jumpRule(family)).length : 0;
  const chains = [dockerChain(family), dockerForwardChain(family)].filter((c) => !live || hasChain(live, c));
  return [
    '*filter',
    ...Array.from({ length: jumps }, () => `-D ${DOCKER_USER} -j ${dockerChain(family)}`),
    ...chains.map((c) => `:${c} - [0:0]`),
    ...chains.map((c) => `-X ${c}`),
    'COMMIT',
    '',
  ].join('\n');
}

/** The Docker block. */
export const DOCKER_BLOCK: BlockKind = {
  label: 'netctl-docker',
  markers: { begin: '# BEGIN netctl-docker', end: '# END netctl-docker' },
  template: (spec) => `docker-${spec.after}.block`,
  chain: dockerChain,
  state: dockerChainState,
  references: () => [],
  unload: (family, live) => dockerUnloadDoc(family, live),
};
