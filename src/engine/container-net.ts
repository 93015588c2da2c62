/**
 * A container's network namespace and its endpoint on a bridge network, planned as netlink
 * operations: the namespace under <runRoot>/netns/<id>, a veth pair whose container end is
 * eth0, the address from IPAM, a default route via the gateway (none on internal networks),
 * hairpin on the bridge port so the container reaches published ports through the host.
 */
import type { Network } from '../model/network.js';
import type { Endpoint } from '../model/container.js';
import { planEndpoint, type NetlinkOp } from '../netlink/plan.js';
import { linkLocalCidrs } from './endpoint-extra.js';

/** Where a container's network namespace lives. */
export function netnsPath(runRoot: string, containerId: string): string {
  return `${runRoot}/netns/${containerId.slice(0, 12)}`;
}

/** The host end of a container's veth on a network: 15 bytes at most. */
export function hostIfname(containerId: string, index: number): string {
  return `vn${containerId.slice(0, 10)}${index === 0 ? '' : index}`.slice(0, 15);
}

/** Operations creating the namespace (for `none` and bridge modes). */
export function planNetns(path: string): NetlinkOp[] {
  return [
    { op: 'create-netns', path },
    { op: 'set-up', name: 'lo', netns: path },
  ];
}

/**
 * The container end's MAC, derived from its IPv4 address as Docker does (02:42 and the four
 * address bytes): an address freed by one container and reused by the next keeps its MAC,
 * so neighbours' ARP entries (the host's included) stay right.
 */
export function macFor(ipv4: string): string {
  return ['02', '42', ...ipv4.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
}

/** Operations attaching the namespace at `path` to network `n` as endpoint `e`. */
export function planAttach(path: string, n: Network, e: Endpoint): NetlinkOp[] {
  const prefix = n.subnet.split('/')[1];
  const addresses = [`${e.address}/${prefix}`];
  if (e.address6 && n.subnet6) addresses.push(`${e.address6}/${n.subnet6.split('/')[1]}`);
  addresses.push(...linkLocalCidrs(e));
  const gateways = n.internal ? [] : [n.gateway, ...(e.address6 && n.gateway6 ? [n.gateway6] : [])];
  const mac = e.mac ?? (e.address ? macFor(e.address) : undefined);
  return planEndpoint({
    netns: path,
    hostIf: e.hostIfname!,
    ifname: e.ifname,
    bridge: n.bridge,
    mtu: n.mtu,
    addresses,
    gateways,
    hairpin: true,
    ...(mac ? { mac } : {}),
  });
}

/** Operations removing the namespace and the host ends of its veths (the pairs go whole). */
export function planDetachAll(path: string, endpoints: readonly Endpoint[]): NetlinkOp[] {
  return [
    ...endpoints.filter((e) => e.hostIfname).map((e): NetlinkOp => ({ op: 'delete-link', name: e.hostIfname! })),
    { op: 'delete-netns', path },
  ];
}
