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

/** What the route rules are made from: the database's view. */
export interface RouteState {
  allows: readonly AllowRule[];
  containers: readonly Pick<Container, 'id' | 'name'>[];
  networks: readonly Network[];
  ports: readonly PublishedPort[];
  endpoints: readonly Endpoint[];
}

/** A container's resolved port mappings. */
export function containerMappings(s: RouteState, containerId: string): PortMapping[] {
  return portMappings(
    s.networks,
    s.ports.filter((p) => p.containerId === containerId),
    s.endpoints.filter((e) => e.containerId === containerId),
  );
}

/** A mapping as the allow policy selects it: container port, network and family. */
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
  const c = s.containers.find((x) => x.name === name);
  if (!c) return [];
  const names = new Map(s.networks.map((n) => [n.id, n.name]));
  return containerMappings(s, c.id).map((m) => target(m, names.get(m.network) ?? m.network));
}

/** The route rules of one allow rule. */
export function routesOf(s: RouteState, a: AllowRule): RouteRule[] {
  const c = s.containers.find((x) => x.name === a.container);
  if (!c) return [];
  const names = new Map(s.networks.map((n) => [n.id, n.name]));
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
  return s.allows.flatMap((a) => routesOf(s, a)).filter((r) => !seen.has(tupleLine(r)) && seen.add(tupleLine(r)));
}
