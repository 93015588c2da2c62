/**
 * Legacy `--link NAME:ALIAS`, resolved from recorded state: the linked container by name,
 * the network both share, the ports the link opens (the linked container's exposed and
 * published ports), the openings on icc=false networks, and Docker's link variables. Pure.
 */
import type { Container, Endpoint } from '../model/container.js';
import type { Network } from '../model/network.js';
import type { PortProto, PublishedPort } from '../model/port.js';
import type { LinkRule } from '../firewall/input.js';
import type { LinkRecord } from '../store/links.js';

/** What link, hosts and rule planning read from the database. */
export interface NetView {
  containers: readonly Container[];
  networks: readonly Network[];
  endpoints: readonly Endpoint[];
  links: readonly LinkRecord[];
  ports: readonly PublishedPort[];
}

/** A link whose target exists and shares a network with its container. */
export interface ResolvedLink {
  parent: Container;
  child: Container;
  alias: string;
  network: Network;
  parentIp: string;
  childIp: string;
}

/** A port a link opens. */
export interface LinkPort {
  port: number;
  proto: PortProto;
}

/** The first network (in the parent's attachment order) where both have an IPv4 address. */
export function sharedEndpoints(
  v: NetView,
  parentId: string,
  childId: string,
): { network: Network; parent: Endpoint; child: Endpoint } | undefined {
  for (const pe of v.endpoints.filter((e) => e.containerId === parentId && e.address)) {
    const ce = v.endpoints.find((e) => e.containerId === childId && e.networkId === pe.networkId && e.address);
    const network = v.networks.find((n) => n.id === pe.networkId);
    if (ce && network) return { network, parent: pe, child: ce };
  }
  return undefined;
}

/** Every link that resolves now, in the order they were made. */
export function resolveLinks(v: NetView): ResolvedLink[] {
  const out: ResolvedLink[] = [];
  for (const l of v.links) {
    const parent = v.containers.find((c) => c.id === l.containerId);
    const child = v.containers.find((c) => c.name === l.target);
    if (!parent || !child) continue;
    const shared = sharedEndpoints(v, parent.id, child.id);
    if (shared)
      out.push({
        parent,
        child,
        alias: l.alias,
        network: shared.network,
        parentIp: shared.parent.address!,
        childIp: shared.child.address!,
      });
  }
  return out;
}

/** `80/tcp`-style entries of a container's config (image ExposedPorts and --expose). */
function configExposed(c: Container): LinkPort[] {
  const list = Array.isArray(c.config.exposed) ? (c.config.exposed as unknown[]) : [];
  return list.flatMap((e) => {
    const m = typeof e === 'string' ? /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(e) : null;
    return m ? [{ port: Number(m[1]), proto: (m[2] ?? 'tcp') as PortProto }] : [];
  });
}

/** The ports a link to `child` opens, sorted by number, tcp first (Docker's order). */
export function exposedPorts(child: Container, ports: readonly PublishedPort[]): LinkPort[] {
  const all = [
    ...configExposed(child),
    ...ports.filter((p) => p.containerId === child.id).map((p) => ({ port: p.containerPort, proto: p.proto })),
  ];
  const seen = new Map(all.map((p) => [`${p.port}/${p.proto}`, p]));
  return [...seen.values()].sort(
    (a, b) => a.port - b.port || (a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : a.proto.localeCompare(b.proto)),
  );
}

/** The firewall openings of links on networks with icc off (elsewhere everything is open). */
export function linkRules(v: NetView): LinkRule[] {
  return resolveLinks(v)
    .filter((l) => !l.network.icc && !l.network.internal)
    .map((l) => ({
      network: l.network.id,
      from: l.parentIp,
      to: l.childIp,
      ports: exposedPorts(l.child, v.ports),
      name: `${l.parent.name}:${l.alias}`,
    }));
}

const HIDDEN_ENV = new Set(['HOME', 'PATH']);

/**
 * Docker's link variables for alias `alias` of container `parentName` to `child` at `ip`:
 * ALIAS_PORT, ALIAS_PORT_<p>_<PROTO>[_ADDR|_PORT|_PROTO], ALIAS_NAME, ALIAS_ENV_<K>.
 */
export function linkEnv(
  parentName: string,
  alias: string,
  child: Container,
  ip: string,
  ports: readonly LinkPort[],
): string[] {
  const a = alias.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  const env: string[] = [];
  const first = ports[0];
  if (first) env.push(`${a}_PORT=${first.proto}://${ip}:${first.port}`);
  for (const p of ports) {
    const k = `${a}_PORT_${p.port}_${p.proto.toUpperCase()}`;
    env.push(`${k}=${p.proto}://${ip}:${p.port}`, `${k}_ADDR=${ip}`, `${k}_PORT=${p.port}`, `${k}_PROTO=${p.proto}`);
  }
  env.push(`${a}_NAME=/${parentName}/${alias}`);
  const launch = child.config.launch as { env?: unknown } | undefined;
  for (const e of Array.isArray(launch?.env) ? (launch.env as unknown[]) : []) {
    if (typeof e !== 'string') continue;
    const i = e.indexOf('=');
    if (i > 0 && !HIDDEN_ENV.has(e.slice(0, i))) env.push(`${a}_ENV_${e.slice(0, i)}=${e.slice(i + 1)}`);
  }
  return env;
}
