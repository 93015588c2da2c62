/**
 * netavark's plugin API as netctl reads and writes it (netavark's plugin-API.md and
 * src/network/types.rs): the network configuration `create` receives and returns, the
 * options `setup` and `teardown` receive, and the status block `setup` prints. Only the
 * fields netctl uses are typed; the rest pass through untouched.
 */

/** The plugin API version netctl speaks. */
export const API_VERSION = '1.0.0';

/** The driver name: `podman network create -d netctl`, and the plugin's file name. */
export const DRIVER = 'netctl';

/** One subnet of a network. */
export interface PodmanSubnet {
  subnet: string;
  gateway?: string;
  lease_range?: unknown;
}

/** A Podman network configuration (what `podman network inspect` shows). */
export interface PodmanNetwork {
  name: string;
  id: string;
  driver: string;
  network_interface?: string;
  subnets?: PodmanSubnet[];
  ipv6_enabled?: boolean;
  internal?: boolean;
  dns_enabled?: boolean;
  options?: Record<string, string> | null;
  [key: string]: unknown;
}

/** One published port: `range` ports from `host_port` and `container_port` on. */
export interface PodmanPortMapping {
  container_port: number;
  host_port: number;
  host_ip?: string;
  protocol?: string;
  range?: number;
}

/** What `setup` and `teardown` receive on stdin. */
export interface PodmanExec {
  container_id: string;
  container_name: string;
  port_mappings?: PodmanPortMapping[] | null;
  network: PodmanNetwork;
  network_options: {
    aliases?: string[] | null;
    interface_name: string;
    static_ips?: string[] | null;
    static_mac?: string | null;
  };
}

/** An address of an interface in the status block. */
export interface StatusSubnet {
  ipnet: string;
  gateway?: string;
}

/** What `setup` prints: the interfaces made and the DNS server to use. */
export interface StatusBlock {
  dns_search_domains: string[];
  dns_server_ips: string[];
  interfaces: Record<string, { mac_address: string; subnets: StatusSubnet[] }>;
}
