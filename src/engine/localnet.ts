/**
 * route_localnet on a network's bridge: on while the host's own connections to 127.0.0.1
 * may be DNATed to one of its containers (a port published on 127.0.0.1 or on every IPv4
 * address), off again once no such port is left. Without it the kernel refuses to route
 * a packet with a loopback source out of the bridge, and the reply back in. The raw
 * table's loopback drop keeps neighbours from using it (see desired-raw.ts). Pure.
 */
import type { Network } from '../model/network.js';
import type { Endpoint } from '../model/container.js';
import type { PublishedPort } from '../model/port.js';
import type { NetlinkOp } from '../netlink/plan.js';
import { portMappings } from './firewall-input.js';

/** The sysctl of a bridge, slashed: bridge names may hold dots. */
export function localnetSysctl(bridge: string): string {
  return `net/ipv4/conf/${bridge}/route_localnet`;
}

/** True for an IPv4 host binding the host reaches through 127.0.0.1. */
function loopbackReachable(hostIp: string | undefined, containerIp: string): boolean {
  if (containerIp.includes(':')) return false;
  return hostIp === undefined || hostIp.startsWith('127.');
}

/** Ids of the networks whose bridge needs route_localnet now. */
export function localnetNetworks(
  networks: readonly Network[],
  ports: readonly PublishedPort[],
  endpoints: readonly Endpoint[],
): Set<string> {
  const out = new Set<string>();
  for (const m of portMappings(networks, ports, endpoints))
    if (loopbackReachable(m.hostIp, m.containerIp)) out.add(m.network);
  return out;
}

/**
 * The sysctl operations setting route_localnet on the bridges of the networks in `touched`
 * (those whose ports may have changed) to what the recorded ports want.
 */
export function planLocalnet(
  networks: readonly Network[],
  ports: readonly PublishedPort[],
  endpoints: readonly Endpoint[],
  touched: Iterable<string>,
): NetlinkOp[] {
  const want = localnetNetworks(networks, ports, endpoints);
  const ids = new Set(touched);
  return networks
    .filter((n) => ids.has(n.id))
    .map((n): NetlinkOp => ({ op: 'sysctl', path: localnetSysctl(n.bridge), value: want.has(n.id) ? '1' : '0' }));
}
