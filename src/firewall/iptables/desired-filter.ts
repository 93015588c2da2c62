/**
 * The filter table netctl wants: a jump from FORWARD to NETCTL-FORWARD, Docker's two-stage
 * isolation, and per network a chain that decides every packet entering or leaving its
 * bridge, plus (unless internal) a chain accepting its published ports, which only ever
 * gains or loses rules as containers come and go.
 */
import type { Chain, Rule, Table } from './ast.js';
import type { NetworkRules, PortMapping } from '../input.js';
import { hostMatch, type Family } from '../../model/addr.js';
import {
  FORWARD_CHAIN,
  ISOLATION_1,
  ISOLATION_2,
  ISOLATION_TAG,
  JUMP_TAG,
  netTag,
  networkChain,
  portsChain,
} from './plan-names.js';
import { dport, jump, match, not, opt, rule } from './plan-rule.js';
import { ufwForwardChain } from '../ufw/names.js';
import { clusterCidrsOf } from './plan-cluster.js';

const ACCEPT = jump('ACCEPT');
const DROP = jump('DROP');

function userChain(name: string): Chain {
  return { name, policy: null };
}

/**
 * Rules for a network with a way out: replies in, the cluster's pods in (routed from other
 * nodes; `! -i` keeps icc deciding the bridge's own traffic), published ports in, egress out.
 */
function openNetwork(net: NetworkRules, family: Family): Rule[] {
  const c = networkChain(net.id);
  const br = net.bridge;
  const tag = netTag(net.name);
  const established = match('conntrack', opt('ctstate', 'RELATED,ESTABLISHED'));
  return [
    rule(c, { o: br }, [established], tag, ACCEPT),
    ...clusterCidrsOf(net, family).map((s) => rule(c, { s, i: not(br), o: br }, [], tag, ACCEPT)),
    rule(c, { o: br }, [], tag, jump(portsChain(net.id))),
    rule(c, { i: br, o: not(br) }, [], tag, ACCEPT),
    rule(c, { i: br, o: br }, [], tag, net.icc ? ACCEPT : DROP),
    // With FORWARD policy ACCEPT a neighbour could otherwise reach unpublished ports.
    rule(c, { o: br }, [], tag, DROP),
  ];
}

/**
 * The accepts for a network's published ports, in the caller's order. With `ufw`, each
 * accept is preceded by the same match jumping to ufw's chain, which decides the connection
 * while ufw runs; when ufw is stopped its chains are empty and the accept applies.
 */
function portRules(net: NetworkRules, ports: PortMapping[], family: Family, ufw: boolean): Rule[] {
  // ctstate DNAT: only the published path is open, not every route to the container's
  // address (a LAN neighbour routing to the subnet must not reach it directly).
  const dnat = match('conntrack', opt('ctstate', 'DNAT'));
  const targets = ufw ? [jump(ufwForwardChain(family)), ACCEPT] : [ACCEPT];
  return ports
    .filter((p) => p.network === net.id)
    .flatMap((p) => {
      const basic = { d: hostMatch(p.containerIp, family), p: p.proto };
      return targets.map((t) =>
        rule(portsChain(net.id), basic, [dport(p.proto, p.containerPort), dnat], netTag(net.name), t),
      );
    });
}

/**
 * The accepts of published `ports` in the ports chains of the open networks among `nets`,
 * network by network: what containers add to the filter table.
 */
export function portAccepts(nets: NetworkRules[], ports: PortMapping[], family: Family, ufw: boolean): Rule[] {
  return nets.flatMap((net) => (net.internal ? [] : portRules(net, ports, family, ufw)));
}

/** Rules for an internal network: only bridge-local traffic, if icc allows it. */
function internalNetwork(net: NetworkRules): Rule[] {
  const c = networkChain(net.id);
  const br = net.bridge;
  const tag = netTag(net.name);
  return [
    rule(c, { i: br, o: br }, [], tag, net.icc ? ACCEPT : DROP),
    rule(c, { i: br, o: not(br) }, [], tag, DROP),
    rule(c, { i: not(br), o: br }, [], tag, DROP),
  ];
}

function forwardRules(nets: NetworkRules[]): Rule[] {
  const rules = [rule(FORWARD_CHAIN, {}, [], ISOLATION_TAG, jump(ISOLATION_1))];
  for (const net of nets) {
    const target = jump(networkChain(net.id));
    rules.push(rule(FORWARD_CHAIN, { o: net.bridge }, [], netTag(net.name), target));
    rules.push(rule(FORWARD_CHAIN, { i: net.bridge }, [], netTag(net.name), target));
  }
  return rules;
}

function isolationRules(nets: NetworkRules[]): Rule[] {
  // A published port is reachable from every network through the host address: connections
  // that DNAT sent across bridges skip isolation (their ports chain decides).
  const published = rule(ISOLATION_1, {}, [match('conntrack', opt('ctstate', 'DNAT'))], ISOLATION_TAG, jump('RETURN'));
  const stage1 = nets.map((n) =>
    rule(ISOLATION_1, { i: n.bridge, o: not(n.bridge) }, [], netTag(n.name), jump(ISOLATION_2)),
  );
  const stage2 = nets.map((n) => rule(ISOLATION_2, { o: n.bridge }, [], netTag(n.name), DROP));
  return [published, ...stage1, ...stage2];
}

/**
 * The filter table for `nets` (all of this family, in the caller's order) and this
 * family's published `ports`, decided by ufw's chain when `ufw`. Empty when there are no
 * networks.
 */
export function filterTable(nets: NetworkRules[], ports: PortMapping[], family: Family, ufw = false): Table {
  if (nets.length === 0) return { name: 'filter', chains: [], rules: [] };
  const names = [FORWARD_CHAIN, ISOLATION_1, ISOLATION_2];
  const rules: Rule[] = [
    rule('FORWARD', {}, [], JUMP_TAG, jump(FORWARD_CHAIN)),
    ...forwardRules(nets),
    ...isolationRules(nets),
  ];
  for (const net of nets) {
    if (net.internal) {
      names.push(networkChain(net.id));
      rules.push(...internalNetwork(net));
    } else {
      names.push(networkChain(net.id), portsChain(net.id));
      rules.push(...openNetwork(net, family), ...portRules(net, ports, family, ufw));
    }
  }
  return { name: 'filter', chains: names.map(userChain), rules };
}
