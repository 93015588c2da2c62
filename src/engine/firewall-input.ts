/**
 * The firewall's input computed from recorded state: a pure function of the networks and of
 * the published ports of attached containers, in creation order so that the planner only
 * appends for a new network or port; and the request a firewall backend is asked, built
 * once per command from the store.
 */
import type { FirewallRequest } from '../firewall/driver.js';
import type { EndpointAddress, FirewallInput, LinkRule, NetworkRules, PortMapping } from '../firewall/input.js';
import type { Store } from '../store/index.js';
import { linkRules } from './links.js';
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

/**
 * One container's rows added (its first endpoint and its ports, just recorded) or taken
 * out (all of them, as they were), and the firewall revision before that change.
 */
export interface ContainerChange {
  kind: 'add' | 'remove';
  containerId: string;
  since: string;
  endpoints: readonly Endpoint[];
  ports: readonly PublishedPort[];
}

/**
 * One network added (the newest, just recorded) or taken out (with no container on it), and
 * the firewall revision before that change: what a network delta is planned from.
 */
export interface NetworkChange {
  kind: 'add' | 'remove';
  of: 'network';
  network: Network;
  since: string;
}

/** The delta of a network change, when it is all the records say changed (no link, another network left). */
function networkDelta(s: Store, change: NetworkChange): FirewallRequest['delta'] {
  const networks = s.networks.list();
  const newest = change.kind === 'remove' || networks.at(-1)?.id === change.network.id;
  if (!newest || networks.length === (change.kind === 'add' ? 1 : 0) || s.hasLinks()) return undefined;
  if (s.endpoints.forNetwork(change.network.id).length > 0) return undefined;
  return { kind: change.kind, of: 'network', since: change.since, part: firewallInput([change.network]) };
}

/** The records a firewall request was read from. `partial`: only an added container's rows. */
export interface FirewallView {
  networks: readonly Network[];
  ports: readonly PublishedPort[];
  endpoints: readonly Endpoint[];
  partial: boolean;
}

/**
 * Whether `change` is all that the records say changed, as far as the store can tell: no link
 * is recorded (link rules sit after the port rules and follow other containers), and an added
 * container has no rows but the new ones (so they are the newest, and its ports map to this
 * endpoint, as they would with every record). The backend checks the rest (its rules were
 * planned at `change.since`).
 */
function alone(s: Store, change: ContainerChange): boolean {
  if (s.hasLinks()) return false;
  return (
    change.kind === 'remove' ||
    (s.endpoints.forContainer(change.containerId).length === change.endpoints.length &&
      s.ports.list(change.containerId).length === change.ports.length)
  );
}

/** Every record's input; every container is read only where links need their names and exposed ports. */
function everything(s: Store): { input: FirewallInput; view: FirewallView } {
  const networks = s.networks.list();
  const ports = s.ports.list();
  const endpoints = s.endpoints.all();
  const links = s.links.list();
  const linked =
    links.length === 0
      ? []
      : linkRules({ containers: s.containers.list({ all: true }), networks, endpoints, links, ports });
  return {
    input: firewallInput(networks, ports, endpoints, linked),
    view: { networks, ports, endpoints, partial: false },
  };
}

/**
 * The firewall request of the records as the current transaction sees them, and `view()`:
 * what it was read from once the backend planned it (every record when the backend read
 * them; an added container's rows alone when it planned only those; else undefined).
 * `change`: the one container whose rows are all that changed since `change.since`.
 */
export function firewallRequest(
  s: Store,
  change?: ContainerChange | NetworkChange,
): { request: FirewallRequest; view(): FirewallView | undefined } {
  if (change && 'of' in change) {
    const plain = firewallRequest(s);
    const delta = networkDelta(s, change);
    return delta ? { request: { ...plain.request, delta }, view: plain.view } : plain;
  }
  let read: { input: FirewallInput; view: FirewallView } | undefined;
  const networks = change && alone(s, change) ? s.networks.list() : undefined;
  const request: FirewallRequest = {
    revision: s.firewallRevision(),
    all: () => {
      read ??= everything(s);
      return read.input;
    },
    ...(change && networks
      ? {
          delta: {
            kind: change.kind,
            since: change.since,
            part: firewallInput(networks, change.ports, change.endpoints),
          },
        }
      : {}),
  };
  const view = (): FirewallView | undefined => {
    if (read) return read.view;
    // Removed rows say nothing of what the others want: the caller reads them if it must.
    if (change?.kind === 'add' && networks)
      return { networks, ports: change.ports, endpoints: change.endpoints, partial: true };
    return undefined;
  };
  return { request, view };
}
