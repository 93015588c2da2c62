/**
 * The nat table netctl wants: masquerading for networks with a way out, DNAT for published
 * ports, and the three jumps from the built-in chains.
 */
import type { Rule, Table } from './ast.js';
import type { NetworkRules, PortMapping } from '../input.js';
import { canonicalCidr, hostMatch, socketAddress, type Family } from './plan-addr.js';
import { DNAT_CHAIN, JUMP_TAG, POSTROUTING_CHAIN, netTag } from './plan-names.js';
import { dport, jump, match, not, opt, rule } from './plan-rule.js';

function subnetOf(net: NetworkRules, family: Family): string | undefined {
  return family === 4 ? net.subnet : net.subnet6;
}

function jumps(family: Family): Rule[] {
  const local = match('addrtype', opt('dst-type', 'LOCAL'));
  const loopback = family === 4 ? '127.0.0.0/8' : '::1/128';
  return [
    rule('PREROUTING', {}, [local], JUMP_TAG, jump(DNAT_CHAIN)),
    rule('OUTPUT', { d: not(loopback) }, [local], JUMP_TAG, jump(DNAT_CHAIN)),
    rule('POSTROUTING', {}, [], JUMP_TAG, jump(POSTROUTING_CHAIN)),
  ];
}

function dnatRules(net: NetworkRules, ports: PortMapping[], family: Family): Rule[] {
  // No `! -i BR` (Docker adds it because its userland proxy does hairpin): containers
  // reach published ports through the host address by this very DNAT.
  return ports.map((p) =>
    rule(
      DNAT_CHAIN,
      { d: p.hostIp === undefined ? undefined : hostMatch(p.hostIp, family), p: p.proto },
      [dport(p.proto, p.hostPort)],
      netTag(net.name),
      jump('DNAT', opt('to-destination', socketAddress(p.containerIp, p.containerPort, family))),
    ),
  );
}

function postroutingRules(net: NetworkRules, subnet: string, hasPorts: boolean): Rule[] {
  const tag = netTag(net.name);
  const rules = [rule(POSTROUTING_CHAIN, { s: subnet, o: not(net.bridge) }, [], tag, jump('MASQUERADE'))];
  if (hasPorts) {
    // Hairpin: a container reaching a published port on its own bridge through the host
    // address. Without this the reply goes straight back over the bridge, un-NATed.
    const dnat = match('conntrack', opt('ctstate', 'DNAT'));
    rules.push(rule(POSTROUTING_CHAIN, { s: subnet, o: net.bridge }, [dnat], tag, jump('MASQUERADE')));
  }
  return rules;
}

/**
 * The nat table for `nets` (already sorted, all of this family); `ports` maps a network id
 * to its published ports of this family. Empty when there are no networks.
 */
export function natTable(nets: NetworkRules[], ports: ReadonlyMap<string, PortMapping[]>, family: Family): Table {
  if (nets.length === 0) return { name: 'nat', chains: [], rules: [] };
  const dnat: Rule[] = [];
  const post: Rule[] = [];
  for (const net of nets) {
    const subnet = subnetOf(net, family);
    if (net.internal || subnet === undefined) continue;
    const mine = ports.get(net.id) ?? [];
    dnat.push(...dnatRules(net, mine, family));
    post.push(...postroutingRules(net, canonicalCidr(subnet, family), mine.length > 0));
  }
  return {
    name: 'nat',
    chains: [
      { name: DNAT_CHAIN, policy: null },
      { name: POSTROUTING_CHAIN, policy: null },
    ],
    rules: [...jumps(family), ...dnat, ...post],
  };
}
