/**
 * The Docker block (`netctl docker install`): markers, templates, and how its chains in the
 * running firewall compare with the template and are taken out again. Pure.
 */
import type { Ruleset } from '../firewall/iptables/ast.js';
import { parse } from '../firewall/iptables/parse.js';
import type { BlockKind } from '../firewall/ufw/block-kind.js';
import { ufwFamily } from '../firewall/ufw/names.js';
import type { Family } from '../model/addr.js';
import { chainRules, hasChain, type ChainState } from '../firewall/ufw/plan.js';
import { dockerInputChain } from '../firewall/ufw/input-mirror.js';
import { bridgesHookChain, bridgesHookRule, dockerBridgesChain, hookDeletes } from './nft-bridges.js';

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

/** FORWARD's jump to DOCKER-USER. */
export const FORWARD_JUMP = `-A FORWARD -j ${DOCKER_USER}`;

/** One of Docker's own FORWARD rules: a jump to its chains, or a rule on its bridges. */
function dockersRule(rule: string): boolean {
  return rule !== FORWARD_JUMP && (/ -j DOCKER(-|$|\s)/.test(rule) || / -[io] (docker0|br-)/.test(rule));
}

/**
 * Whether FORWARD jumps to DOCKER-USER before any of Docker's own rules (true when Docker
 * has none in this family). Docker 20.10 makes that jump for IPv4 only (moby/moby#42477,
 * fixed in 23.0): with `--ip6tables` its IPv6 rules accept published ports before ufw.
 */
export function forwardJumpInPlace(live: Ruleset): boolean {
  const rules = chainRules(live, 'FORWARD');
  const docker = rules.findIndex(dockersRule);
  if (docker < 0) return true;
  const jump = rules.indexOf(FORWARD_JUMP);
  return jump >= 0 && jump < docker;
}

/**
 * `iptables-restore -n` lines moving (never duplicating) FORWARD's jump to DOCKER-USER to
 * the top, as Docker itself does for IPv4 on every network it creates; none when in place.
 */
export function forwardJumpLines(live: Ruleset | undefined): string[] {
  if (live && forwardJumpInPlace(live)) return [];
  const jumps = live ? chainRules(live, 'FORWARD').filter((r) => r === FORWARD_JUMP).length : 0;
  return [...Array.from({ length: jumps }, () => `-D FORWARD -j ${DOCKER_USER}`), `-I FORWARD 1 -j ${DOCKER_USER}`];
}

/** The lines of {@link forwardJumpLines} as a document, or undefined when nothing moves. */
export function forwardJumpDoc(live: Ruleset): string | undefined {
  const lines = forwardJumpLines(live);
  return lines.length === 0 ? undefined : ['*filter', ...lines, 'COMMIT', ''].join('\n');
}

/** The template with FORWARD's jump moved in front of Docker's rules (what install loads). */
export function dockerLoadDoc(live: Ruleset | undefined, template: string, family: Family = 4): string {
  const lines = forwardJumpLines(live);
  const at = template.lastIndexOf('COMMIT');
  const doc =
    lines.length === 0 || at < 0 ? template : `${template.slice(0, at)}${lines.join('\n')}\n${template.slice(at)}`;
  // A reload over a loaded block would insert a second hook: the old ones go first.
  const deletes = hookDeletes(family, hooks(live, family));
  const hook = `-I ${bridgesHookChain(family)} 1 `;
  return deletes.length === 0 ? doc : doc.replace(hook, `${deletes.join('\n')}\n${hook}`);
}

/** How many hooks to the bridges chain ufw's chain holds. */
function hooks(live: Ruleset | undefined, family: Family): number {
  return live ? chainRules(live, bridgesHookChain(family)).filter((r) => r === bridgesHookRule(family)).length : 0;
}

function sameRules(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

/**
 * current: both chains as in the template, DOCKER-USER jumping to the first one first, and
 * FORWARD jumping to DOCKER-USER before Docker's own rules.
 */
export function dockerChainState(live: Ruleset, family: Family, template: string): ChainState {
  const chains = [dockerChain(family), dockerForwardChain(family)];
  if (!chains.every((c) => hasChain(live, c))) return 'absent';
  // The template's one `-I` (the bridges hook, checked below) is no rule of the block's chains.
  const want = parse(
    template
      .split('\n')
      .filter((l) => !l.startsWith('-I '))
      .join('\n'),
    { family },
  );
  const same = chains.every((c) => sameRules(chainRules(want, c), chainRules(live, c)));
  const first = chainRules(live, DOCKER_USER)[0];
  const hooked = hasChain(live, dockerBridgesChain(family)) && hooks(live, family) === 1;
  return same && hooked && first === jumpRule(family) && forwardJumpInPlace(live) ? 'current' : 'stale';
}

/** Docker 28's chain between FORWARD and its own rules: its layout makes DOCKER-USER empty. */
const DOCKER_FORWARD = 'DOCKER-FORWARD';
const RETURN_RULE = `-A ${DOCKER_USER} -j RETURN`;

/**
 * The RETURN the block's template ends DOCKER-USER with, to take out again: Docker up to 27
 * ends the chain with a RETURN of its own (which stays), Docker 28 (DOCKER-FORWARD) leaves
 * it empty.
 */
function blockReturns(live: Ruleset | undefined): number {
  if (!live || !hasChain(live, DOCKER_FORWARD)) return 0;
  return chainRules(live, DOCKER_USER).includes(RETURN_RULE) ? 1 : 0;
}

/**
 * Whether DOCKER-USER is the block's alone: nothing jumps to it (Docker's nftables backend, or
 * no Docker: the block declared it) and it holds only the block's rules. Uninstall deletes it then.
 */
function blockOwnsUser(live: Ruleset, family: Family): boolean {
  if (!hasChain(live, DOCKER_USER)) return false;
  const filter = live.tables.find((t) => t.name === 'filter');
  if ((filter?.rules ?? []).some((r) => r.target?.name === DOCKER_USER)) return false;
  return chainRules(live, DOCKER_USER).every((r) => r === jumpRule(family) || r === RETURN_RULE);
}

/**
 * Takes the jumps out of DOCKER-USER (rule by rule: Docker's RETURN and anybody else's
 * rules stay; on Docker 28 the block's RETURN goes too), then empties and deletes the block's
 * chains (with the mirror of ufw's incoming rules).
 */
export function dockerUnloadDoc(family: Family, live: Ruleset | undefined): string {
  const owned = live !== undefined && blockOwnsUser(live, family);
  const jumps = live && !owned ? chainRules(live, DOCKER_USER).filter((r) => r === jumpRule(family)).length : 0;
  const loaded = jumps > 0 || (live !== undefined && hasChain(live, dockerChain(family)));
  const chains = [
    ...(owned ? [DOCKER_USER] : []),
    dockerChain(family),
    dockerForwardChain(family),
    dockerInputChain(family),
    dockerBridgesChain(family),
  ].filter((c) => !live || hasChain(live, c));
  return [
    '*filter',
    ...Array.from({ length: jumps }, () => `-D ${DOCKER_USER} -j ${dockerChain(family)}`),
    ...Array.from({ length: loaded && !owned ? blockReturns(live) : 0 }, () => `-D ${DOCKER_USER} -j RETURN`),
    ...hookDeletes(family, hooks(live, family)),
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
  load: (family, live, template) => dockerLoadDoc(live, template, family),
};
