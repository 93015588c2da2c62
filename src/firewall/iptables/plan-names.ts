/**
 * The names netctl's rules are built from: its chains, its comment tags, the kernel's
 * built-in chains, and the checks that keep network-supplied names safe in a rule.
 */
import { UsageError } from '../../errors.js';
import { OWNED_CHAIN_PREFIX, OWNED_COMMENT_PREFIX } from './ast.js';

/** filter: the entry chain jumped to from FORWARD. */
export const FORWARD_CHAIN = `${OWNED_CHAIN_PREFIX}FORWARD`;
/** filter: stage 1 of network isolation (leaving a bridge for another interface). */
export const ISOLATION_1 = `${OWNED_CHAIN_PREFIX}ISOLATION-1`;
/** filter: stage 2 of network isolation (entering any other netctl bridge). */
export const ISOLATION_2 = `${OWNED_CHAIN_PREFIX}ISOLATION-2`;
/** nat: port publishing, jumped to for locally addressed packets. */
export const DNAT_CHAIN = `${OWNED_CHAIN_PREFIX}DNAT`;
/** nat: masquerading, jumped to from POSTROUTING. */
export const POSTROUTING_CHAIN = `${OWNED_CHAIN_PREFIX}POSTROUTING`;

/** The tag on every rule netctl inserts into a built-in chain. */
export const JUMP_TAG = `${OWNED_COMMENT_PREFIX}jump`;
/** The tag on rules that are not about one network. */
export const ISOLATION_TAG = `${OWNED_COMMENT_PREFIX}isolation`;

/** The tag naming the network a rule belongs to. */
export function netTag(name: string): string {
  return `${OWNED_COMMENT_PREFIX}net=${name}`;
}

/** The longest chain name iptables accepts (XT_EXTENSION_MAXNAMELEN - 1 = 28). */
export const MAX_CHAIN_NAME = 28;

/** The prefix of every network's own filter chain. */
export const NETWORK_CHAIN_PREFIX = `${OWNED_CHAIN_PREFIX}N-`;

/** The network's own filter chain. */
export function networkChain(id: string): string {
  return `${NETWORK_CHAIN_PREFIX}${id}`;
}

/** The network's published-ports filter chain (same length as the network chain's name). */
export function portsChain(id: string): string {
  return `${OWNED_CHAIN_PREFIX}P-${id}`;
}

/** The kernel's built-in chains, per table. */
export const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** True for a built-in chain of `table`. */
export function isBuiltinChain(table: string, chain: string): boolean {
  return BUILTIN_CHAINS[table]?.includes(chain) ?? false;
}

/** True for a chain netctl owns. */
export function isOwnedChain(chain: string): boolean {
  return chain.startsWith(OWNED_CHAIN_PREFIX);
}

// Ids become chain names; 28 characters minus "NETCTL-N-" leaves 19.
const ID = new RegExp(`^[0-9a-f]{1,${MAX_CHAIN_NAME - NETWORK_CHAIN_PREFIX.length}}$`);
// IFNAMSIZ is 16 with the NUL. Stricter than Linux: a '+' would make iptables match every
// interface with that prefix, and quotes or '!' would be misread in a restore document.
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
// Docker's name rule (as model/names.ts); comments go through iptables-restore's tokenizer.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Throws a UsageError unless a network's id, bridge and name are safe to put in rules. */
export function checkNames(net: { id: string; name: string; bridge: string }): void {
  if (!ID.test(net.id)) throw new UsageError(`invalid network id "${net.id}"`, 'ids are 1-19 lowercase hex digits');
  if (!IFNAME.test(net.bridge) || net.bridge === '.' || net.bridge === '..') {
    throw new UsageError(`invalid bridge name "${net.bridge}"`);
  }
  if (!NAME.test(net.name)) throw new UsageError(`invalid network name "${net.name}"`);
}
