/**
 * The Docker block under Docker 29's nftables firewall backend (`--firewall-backend nftables`,
 * tables `ip docker-bridges` and `ip6 docker-bridges`). That backend has no DOCKER-USER, and an
 * accept in Docker's table ends only Docker's own base chain: ufw's FORWARD (iptables-nft, the
 * same hook and priority) still drops what its routed policy drops. So the guard works from
 * ufw's side: `ufw-netctl-docker-bridges`, which the block runs first in `ufw-before-forward`,
 * holds per bridge that Docker's table lists (its `filter-forward-out-jumps` verdict map: the
 * bridges Docker itself keys its rules by)
 *
 * - `-i BRIDGE -j ACCEPT`: a new packet from a Docker network (egress, traffic between
 *   containers) goes on to Docker's table, which decides it as without ufw (ICC, internal
 *   networks, other networks' unpublished ports);
 * - `-o BRIDGE --ctstate DNAT -j ufw-netctl-docker-input`: a new connection to a published port
 *   meets ufw's bans on the host port first; then ufw's routed chains decide it as for any
 *   routed packet (`netctl allow` / `ufw route` rules, the routed policy).
 *
 * Replies pass ufw's own RELATED,ESTABLISHED accept. With Docker's iptables backend the map does
 * not exist and the chain stays empty. Pure: nft's JSON in, iptables-restore lines out.
 */
import { ufwFamily } from '../firewall/ufw/names.js';
import type { Family } from '../model/addr.js';
import { dockerInputChain } from '../firewall/ufw/input-mirror.js';

/** Docker's nftables table (both families). */
export const DOCKER_NFT_TABLE = 'docker-bridges';
/** Docker's verdict map of packets leaving a bridge: one element per bridge network. */
export const DOCKER_NFT_OUT_MAP = 'filter-forward-out-jumps';

/** `ufw-netctl-docker-bridges` (`ufw6-...`). */
export function dockerBridgesChain(family: Family): string {
  return `${ufwFamily(family).prefix}-netctl-docker-bridges`;
}

/** ufw's chain the block hooks the bridges chain into, first. */
export function bridgesHookChain(family: Family): string {
  return `${ufwFamily(family).prefix}-before-forward`;
}

/** The hook rule, as iptables-save prints it. */
export function bridgesHookRule(family: Family): string {
  return `-A ${bridgesHookChain(family)} -j ${dockerBridgesChain(family)}`;
}

/** `nft -j list map ip|ip6 docker-bridges filter-forward-out-jumps`. */
export function nftMapArgv(family: Family): string[] {
  return ['nft', '-j', 'list', 'map', family === 4 ? 'ip' : 'ip6', DOCKER_NFT_TABLE, DOCKER_NFT_OUT_MAP];
}

const IFNAME = /^[A-Za-z0-9_.:@-]{1,15}$/;

/**
 * The bridge names of Docker's out-jumps map from `nft -j list map` output, sorted; a name that
 * is not an interface name (it would go into an iptables rule) throws, naming it.
 */
export function bridgesFromNftJson(json: string): string[] {
  const doc = JSON.parse(json) as { nftables?: { map?: { elem?: unknown[] } }[] };
  const map = doc.nftables?.find((o) => o.map)?.map;
  const names = (map?.elem ?? []).map((e) => (Array.isArray(e) ? e[0] : undefined));
  for (const n of names)
    if (typeof n !== 'string' || !IFNAME.test(n))
      throw new Error(
        `Docker's nftables map ${DOCKER_NFT_OUT_MAP} has an element that is no interface name: ${JSON.stringify(n)}`,
      );
  return [...new Set(names as string[])].sort();
}

/** The chain's rules (iptables-save form) for Docker's `bridges`; none without bridges. */
export function bridgesLines(family: Family, bridges: readonly string[]): string[] {
  const chain = dockerBridgesChain(family);
  if (bridges.length === 0) return [];
  return [
    `-A ${chain} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`,
    ...bridges.flatMap((b) => [
      `-A ${chain} -i ${b} -j ACCEPT`,
      `-A ${chain} -o ${b} -m conntrack --ctstate DNAT -j ${dockerInputChain(family)}`,
    ]),
  ];
}

/** `iptables-restore -n` lines deleting `count` hooks, to go before the template's insert. */
export function hookDeletes(family: Family, count: number): string[] {
  return Array.from({ length: count }, () => `-D ${bridgesHookChain(family)} -j ${dockerBridgesChain(family)}`);
}
