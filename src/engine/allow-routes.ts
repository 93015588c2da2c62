/**
 * From allow rules to ufw route rules: each allow opens, for every mapping of the
 * container's published ports it selects, the route from the source to the container's
 * address and port, in the mapping's family and network. Pure.
 */
import type { AllowRule } from '../model/allow.js';
import type { Container, Endpoint } from '../model/container.js';
import type { Network } from '../model/network.js';
import type { PublishedPort } from '../model/port.js';
import type { PortMapping } from '../firewall/input.js';
import { routeComment, tupleLine, type RouteRule } from '../firewall/ufw/route-rules.js';
import { selects, type PortTarget } from '../model/allow-policy.js';
import { portMappings } from './firewall-input.js';
import { groupBy } from '../model/group.js';

/** What the route rules are made from: the database's view. */
export interface RouteState {
  allows: readonly AllowRule[];
  containers: readonly Pick<Container, 'id' | 'name'>[];
  networks: readonly Network[];
  ports: readonly PublishedPort[];
  endpoints: readonly Endpoint[];
}

/**
 * A state's lookups, built once per state object (states are read-only snapshots): the
 * first container of each name, network names, each container's mappings. Without them
 * every allow rule scanned every container, port and endpoint.
 */
interface StateIndex {
  byName: Map<string, Pick<Container, 'id' | 'name'>>;
  netNames: Map<string, string>;
  ports: Map<string, PublishedPort[]>;
  endpoints: Map<string, Endpoint[]>;
  mappings: Map<string, PortMapping[]>;
}
const indexes = new WeakMap<RouteState, StateIndex>();

function indexOf(s: RouteState): StateIndex {
  let ix = indexes.get(s);
  if (!ix) {
    const byName = new Map<string, Pick<Container, 'id' | 'name'>>();
    for (const c of s.containers) if (!byName.has(c.name)) byName.set(c.name, c);
    ix = {
      byName,
      netNames: new Map(s.networks.map((n) => [n.id, n.name])),
      ports: groupBy(s.ports, (p) => p.containerId),
      endpoints: groupBy(s.endpoints, (e) => e.containerId),
      mappings: new Map(),
    };
    indexes.set(s, ix);
  }
  return ix;
}

/** A container's resolved port mappings. */
export function containerMappings(s: RouteState, containerId: string): PortMapping[] {
  const ix = indexOf(s);
  let m = ix.mappings.get(containerId);
  if (!m) {
    m = portMappings(s.networks, ix.ports.get(containerId) ?? [], ix.endpoints.get(containerId) ?? []);
    ix.mappings.set(containerId, m);
  }
  return m;
}

function target(m: PortMapping, networkName: string): PortTarget {
  return {
    port: m.containerPort,
    proto: m.proto,
    network: networkName,
    v6: m.containerIp.includes(':'),
    hostPort: m.hostPort,
  };
}

/** What a container publishes, as the allow policy selects it (empty for an unknown name). */
export function publishedTargets(s: RouteState, name: string): PortTarget[] {
  const c = indexOf(s).byName.get(name);
  if (!c) return [];
  const names = indexOf(s).netNames;
  return containerMappings(s, c.id).map((m) => target(m, names.get(m.network) ?? m.network));
}

/** The route rules of one allow rule. */
export function routesOf(s: RouteState, a: AllowRule): RouteRule[] {
  const c = indexOf(s).byName.get(a.container);
  if (!c) return [];
  const names = indexOf(s).netNames;
  return containerMappings(s, c.id)
    .filter((m) => selects(a, target(m, names.get(m.network) ?? m.network)))
    .map((m) => ({
      family: m.containerIp.includes(':') ? 6 : 4,
      proto: m.proto as 'tcp' | 'udp',
      to: m.containerIp,
      port: m.containerPort,
      from: a.from,
      comment: routeComment(c.name, m.containerPort, m.proto, names.get(m.network) ?? m.network),
    }));
}

/** Every route rule the database wants, without duplicates, in allow order. */
export function desiredRoutes(s: RouteState): RouteRule[] {
  const seen = new Set<string>();
  return s.allows
    .flatMap((a) => routesOf(s, a))
    .filter((r) => {
      const line = tupleLine(r);
      if (seen.has(line)) return false;
      seen.add(line);
      return true;
    });
}
