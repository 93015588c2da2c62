/**
 * The status block `setup` prints, from the CNI result netctl's attachment code renders:
 * the container's interface with its MAC and addresses, and netctl's embedded DNS server
 * (127.0.0.11 in the container's namespace) as its resolver, which Podman writes into the
 * container's resolv.conf; aardvark-dns is not involved. Pure.
 */
import type { CniResult } from '../cni/types.js';
import { EMBEDDED_DNS } from '../model/resolv.js';
import type { StatusBlock, StatusSubnet } from './types.js';

/** The status block for interface `ifname`; `dns`: whether the embedded server serves it. */
export function statusBlock(result: CniResult, ifname: string, dns: boolean): StatusBlock {
  const ifaces = result.interfaces ?? [];
  const index = ifaces.findIndex((i) => i.name === ifname && i.sandbox !== undefined);
  const subnets: StatusSubnet[] = (result.ips ?? [])
    .filter((ip) => ip.interface === index)
    .map((ip) => ({ ipnet: ip.address, ...(ip.gateway ? { gateway: ip.gateway } : {}) }));
  return {
    dns_search_domains: [],
    dns_server_ips: dns ? [EMBEDDED_DNS] : [],
    interfaces: { [ifname]: { mac_address: ifaces[index]?.mac ?? '', subnets } },
  };
}
