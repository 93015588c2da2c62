/**
 * Reserving a container's published ports. As Docker does on a dual-stack network, a port
 * published without a host address is published on every address of both families: the
 * IPv4 reservation (with its port picked when none was given) gets an IPv6 twin on `::`.
 */
import type { Store, PortRequest, ReserveOptions } from '../store/index.js';
import type { Network } from '../model/network.js';
import type { PublishedPort } from '../model/port.js';

/** Reserves the requests (and their IPv6 twins) all together, or none. */
export function reservePorts(
  s: Store,
  containerId: string,
  requests: readonly PortRequest[],
  network: Network,
  opts: ReserveOptions = {},
): PublishedPort[] {
  return s.tx(() => {
    const v4 = s.ports.reserve(containerId, requests, opts);
    if (!network.subnet6) return v4;
    const twins: PortRequest[] = requests.flatMap((r, i) =>
      r.hostIp === undefined
        ? [{ hostIp: '::', hostPort: v4[i]!.hostPort, containerPort: v4[i]!.containerPort, proto: v4[i]!.proto }]
        : [],
    );
    return [...v4, ...s.ports.reserve(containerId, twins)];
  });
}
