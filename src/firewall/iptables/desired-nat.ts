/**
 * The nat table netctl wants: masquerading for networks with a way out, DNAT for published
 * ports, and the three jumps from the built-in chains.
 */
import type { Rule, Table } from './ast.js';
import type { NetworkRules, PortMapping } from '../input.js';
import { canonicalCidrOf, hostMatch, socketAddress, type Family } from '../../model/addr.js';
import { clusterCidrsOf } from './plan-cluster.js';
import { DNAT_CHAIN, JUMP_TAG, POSTROUTING_CHAIN, netTag } from './plan-names.js';
import { dport, jump, match, not, opt, rule } from './plan-rule.js';

function subnetOf(net: NetworkRules, family: Family): string | undefined {
  return family === 4 ? net.subnet : net.subnet6;
}

function jumps(family: Family): Rule[] {
  const local = match('addrtype', opt('dst-type', 'LOCAL'));
  // IPv4: the host's own connections to 127.0.0.1 are DNATed too (ports published on
  // 127.0.0.1 or every address), routed out of the bridge thanks to its route_localnet and
  // masqueraded below. IPv6 has no route_localnet: ::1 stays out.
  const output = family === 4 ? {} : { d: not('::1/128') };
  return [
    rule('PREROUTING', {}, [local], JUMP_TAG, jump(DNAT_CHAIN)),
    rule('OUTPUT', output, [local], JUMP_TAG, jump(DNAT_CHAIN)),
    rule('POSTROUTING', {}, [], JUMP_TAG, jump(POSTROUTING_CHAIN)),
  ];
}

function dnatRule(net: NetworkRules, p: PortMapping, family: Family): Rule {
  // No `! -i BR` (Docker adds it because its userland proxy does hairpin): containers
  // reach published ports through the host address by this very DNAT.
  const to = opt('to-destination', socketAddress(p.containerIp, p.containerPort, family));
  const d = p.hostIp === undefined ? undefined : hostMatch(p.hostIp, family);
  return rule(DNAT_CHAIN, { d, p: p.proto }, [dport(p.proto, p.hostPort)], netTag(net.name), jump('DNAT', to));
}

function postroutingRules(net: NetworkRules, subnet: string, family: Family): Rule[] {
  const tag = netTag(net.name);
  const dnat = match('conntrack', opt('ctstate', 'DNAT'));
  // Pod to pod across nodes keeps the pod's address (the Kubernetes network model): the
  // cluster's ranges return before the masquerade, everything else is still masqueraded.
  const cluster = clusterCidrsOf(net, family).map((d) =>
    rule(POSTROUTING_CHAIN, { s: subnet, d, o: not(net.bridge) }, [], tag, jump('RETURN')),
  );
  const leaving =
    net.ipMasq === false
      ? []
      : [...cluster, rule(POSTROUTING_CHAIN, { s: subnet, o: not(net.bridge) }, [], tag, jump('MASQUERADE'))];
  return [
    ...leaving,
    // Hairpin: a container reaching a published port on its own bridge through the host
    // address. Without this the reply goes straight back over the bridge, un-NATed. Present
    // with or without ports, so publishing a port never touches this chain.
    rule(POSTROUTING_CHAIN, { s: subnet, o: net.bridge }, [dnat], tag, jump('MASQUERADE')),
  ];
}

/**
 * The host's own connections to a published port through 127.0.0.1 leave by the bridge
 * with a loopback source, which the container could not answer. Present with or without
 * ports, like the hairpin rule; only bridges with route_localnet ever emit such packets.
 */
function loopbackRule(net: NetworkRules): Rule {
  return rule(POSTROUTING_CHAIN, { s: '127.0.0.0/8', o: net.bridge }, [], netTag(net.name), jump('MASQUERADE'));
}

/** The DNATs of this family's published `ports` on the open networks among `nets`, in the caller's order. */
export function dnatRules(nets: NetworkRules[], ports: PortMapping[], family: Family): Rule[] {
  const byId = new Map(nets.filter((n) => !n.internal).map((n) => [n.id, n]));
  return ports.flatMap((p) => {
    const net = byId.get(p.network);
    return net ? [dnatRule(net, p, family)] : [];
  });
}

/**
 * The nat table for `nets` (all of this family, in the caller's order) and this family's
 * published `ports` (in the caller's order). Empty when there are no networks.
 */
export function natTable(nets: NetworkRules[], ports: PortMapping[], family: Family): Table {
  if (nets.length === 0) return { name: 'nat', chains: [], rules: [] };
  const open = nets.filter((n) => !n.internal);
  const dnat = dnatRules(nets, ports, family);
  const post = open.flatMap((n) => [
    ...postroutingRules(n, canonicalCidrOf(subnetOf(n, family)!, family), family),
    ...(family === 4 ? [loopbackRule(n)] : []),
  ]);
  return {
    name: 'nat',
    chains: [
      { name: DNAT_CHAIN, policy: null },
      { name: POSTROUTING_CHAIN, policy: null },
    ],
    rules: [...jumps(family), ...dnat, ...post],
  };
}
