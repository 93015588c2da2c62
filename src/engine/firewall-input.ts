/**
 * The firewall's input computed from recorded state: a pure function of the networks and of
 * the published ports of attached containers, in creation order so that the planner only
 * appends for a new network or port.
 */
import type { EndpointAddress, FirewallInput, LinkRule, NetworkRules, PortMapping } from '../firewall/input.js';
import type { Network } from '../model/network.js';
import type { Endpoint } from '../model/container.js';
import type { PublishedPort } from '../model/port.js';
import { isAnyAddress } from '../model/port.js';
import { groupBy } from '../model/group.js';
import { natSettings } from '../model/network-nat.js';

/** What one network contributes to the rules. */
export function networkRules(n: Network): NetworkRules {
  const rules: NetworkRules = {
    id: n.id,
    name: n.name,
    bridge: n.bridge,
    subnet: n.subnet,
    internal: n.internal,
    icc: n.icc,
  };
  if (n.subnet6 !== undefined) rules.subnet6 = n.subnet6;
  const nat = natSettings(n.options);
  if (!nat.ipMasq) rules.ipMasq = false;
  if (nat.clusterCidrs.length > 0) rules.clusterCidrs = nat.clusterCidrs;
  return rules;
}

/**
 * The DNAT mappings of published ports: each port goes to the container's address on its
 * first non-internal network that has one, in the family of the host address.
 */
export function portMappings(
  networks: readonly Network[],
  ports: readonly PublishedPort[],
  endpoints: readonly Endpoint[],
): PortMapping[] {
  const byId = new Map(networks.map((n) => [n.id, n]));
  // Each container's endpoints, in order: a lookup per port, not a scan of all of them.
  const byContainer = groupBy(endpoints, (e) => e.containerId);
  const out: PortMapping[] = [];
  for (const p of ports) {
    const v6 = p.hostIp.includes(':');
    const ep = byContainer
      .get(p.containerId)
      ?.find((e) => !byId.get(e.networkId)?.internal && (v6 ? e.address6 : e.address));
    if (!ep) continue;
    const m: PortMapping = {
      network: ep.networkId,
      proto: p.proto,
      hostPort: p.hostPort,
      containerIp: (v6 ? ep.address6 : ep.address)!,
      containerPort: p.containerPort,
    };
    if (!isAnyAddress(p.hostIp)) m.hostIp = p.hostIp;
    out.push(m);
  }
  return out;
}

/** Every container address, in the order the endpoints were added. */
export function endpointAddresses(endpoints: readonly Endpoint[]): EndpointAddress[] {
  return endpoints.flatMap((e) =>
    [e.address, e.address6].filter((ip): ip is string => ip !== undefined).map((ip) => ({ network: e.networkId, ip })),
  );
}

/** The whole firewall input. */
export function firewallInput(
  networks: readonly Network[],
  ports: readonly PublishedPort[] = [],
  endpoints: readonly Endpoint[] = [],
  links: readonly LinkRule[] = [],
): FirewallInput {
  const input: FirewallInput = {
    networks: networks.map(networkRules),
    ports: portMappings(networks, ports, endpoints),
    endpoints: endpointAddresses(endpoints),
  };
  if (links.length > 0) input.links = links;
  return input;
}
