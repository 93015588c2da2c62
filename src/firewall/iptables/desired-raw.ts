/**
 * The raw table netctl wants: a chain jumped to from PREROUTING that drops, before
 * conntrack and NAT see them, packets no neighbour may send (moby/moby#45610):
 * - to 127.0.0.0/8 from anywhere but `lo`: NAT runs before the routing decision, so
 *   without this a neighbour routing 127.0.0.1 to us would reach a port published on
 *   127.0.0.1 (bridges carry route_localnet for the host's own loopback DNAT path);
 * - to a container's address from anywhere but its network's bridge: a neighbour routing
 *   a container subnet to us reaches nothing, whatever the filter table says; only the
 *   network's cluster ranges (pods of other nodes, routed here) return before the drop.
 * Present whenever the family has networks (the table, once created, stays in the
 * kernel: a ruleset with the chain is the steady state); endpoint rules come and go at
 * the chain's end.
 */
import type { Rule, Table } from './ast.js';
import type { EndpointAddress, NetworkRules } from '../input.js';
import { familyOf, hostMatch, type Family } from '../../model/addr.js';
import { JUMP_TAG, netTag } from './plan-names.js';
import { OWNED_CHAIN_PREFIX, OWNED_COMMENT_PREFIX } from './ast.js';
import { jump, not, rule } from './plan-rule.js';
import { clusterCidrsOf } from './plan-cluster.js';

/** raw: the early drops, jumped to from PREROUTING. */
export const RAW_CHAIN = `${OWNED_CHAIN_PREFIX}PREROUTING`;
/** The tag of the loopback drop. */
export const LOCALHOST_TAG = `${OWNED_COMMENT_PREFIX}localhost`;

/** The drops guarding this family's `endpoints` on `nets`, in the caller's order. */
export function endpointDrops(nets: NetworkRules[], endpoints: readonly EndpointAddress[], family: Family): Rule[] {
  const byId = new Map(nets.map((n) => [n.id, n]));
  const out: Rule[] = [];
  for (const e of endpoints) {
    const net = byId.get(e.network);
    if (!net || familyOf(e.ip) !== family) continue;
    const d = hostMatch(e.ip, family);
    for (const s of clusterCidrsOf(net, family))
      out.push(rule(RAW_CHAIN, { s, d, i: not(net.bridge) }, [], netTag(net.name), jump('RETURN')));
    out.push(rule(RAW_CHAIN, { d, i: not(net.bridge) }, [], netTag(net.name), jump('DROP')));
  }
  return out;
}

/**
 * The raw table for `nets` (all of this family, in the caller's order) and the
 * endpoints of this family on them (in the caller's order). Empty without networks.
 */
export function rawTable(nets: NetworkRules[], endpoints: readonly EndpointAddress[], family: Family): Table {
  if (nets.length === 0) return { name: 'raw', chains: [], rules: [] };
  const rules = [rule('PREROUTING', {}, [], JUMP_TAG, jump(RAW_CHAIN))];
  if (family === 4) rules.push(rule(RAW_CHAIN, { d: '127.0.0.0/8', i: not('lo') }, [], LOCALHOST_TAG, jump('DROP')));
  rules.push(...endpointDrops(nets, endpoints, family));
  return { name: 'raw', chains: [{ name: RAW_CHAIN, policy: null }], rules };
}
