/**
 * Networks as `network ls` and `network inspect` show them.
 */
import type { Network } from '../model/network.js';
import type { Store } from '../store/index.js';
import { ensureDefaultNetwork } from './network.js';
import type { Host } from './host.js';

/**
 * `netctl network ls`: every network, the default one made first when it is missing (as
 * Docker's `bridge` is always there).
 */
export async function listNetworks(host: Host): Promise<Network[]> {
  await ensureDefaultNetwork(host);
  return host.store().networks.list();
}

function inspectView(n: Network, store: Store): object {
  const config: Record<string, string>[] = [
    { Subnet: n.subnet, Gateway: n.gateway, ...(n.ipRange ? { IPRange: n.ipRange } : {}) },
  ];
  if (n.subnet6)
    config.push({
      Subnet: n.subnet6,
      ...(n.gateway6 ? { Gateway: n.gateway6 } : {}),
      ...(n.ipRange6 ? { IPRange: n.ipRange6 } : {}),
    });
  const containers: Record<string, object> = {};
  for (const e of store.endpoints.forNetwork(n.id)) {
    const name = store.containers.get(e.containerId)?.name ?? e.containerId;
    containers[e.containerId] = {
      Name: name,
      IPv4Address: e.address ? `${e.address}/${n.subnet.split('/')[1]}` : '',
      ...(e.address6 ? { IPv6Address: e.address6 } : {}),
    };
  }
  return {
    Name: n.name,
    Id: n.id,
    Created: n.createdAt,
    Driver: n.driver,
    EnableIPv6: n.subnet6 !== undefined,
    IPAM: { Driver: 'default', Config: config },
    Internal: n.internal,
    Containers: containers,
    Options: {
      'com.docker.network.bridge.name': n.bridge,
      'com.docker.network.bridge.enable_icc': String(n.icc),
      'com.docker.network.driver.mtu': String(n.mtu),
      ...n.options,
    },
    Labels: n.labels,
  };
}

/**
 * `netctl network inspect NAME...`: Docker-like JSON with IPAM config, options and containers.
 * @throws NotFoundError naming the first network that does not exist.
 */
export async function inspectNetworks(host: Host, refs: readonly string[]): Promise<object[]> {
  // The records alone: no kernel handle is needed to show them.
  const store = host.store();
  return refs.map((r) => store.networks.require(r)).map((n) => inspectView(n, store));
}
