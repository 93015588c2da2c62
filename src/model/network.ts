/**
 * A network as netctl records it, and what a caller asks for when creating one.
 * Plain data: no storage, no kernel.
 */

/** A bridge network. Addresses are canonical text; IPv4 is always present. */
export interface Network {
  /** Short lowercase hex id; names the network's firewall chains. */
  id: string;
  /** Unique user-facing name. */
  name: string;
  /** Always `bridge` for now. */
  driver: string;
  /** The bridge interface, unique across networks. */
  bridge: string;
  /** IPv4 subnet, e.g. `172.18.0.0/16`. */
  subnet: string;
  /** IPv4 gateway address (the bridge's address), inside `subnet`. */
  gateway: string;
  /** Sub-block of `subnet` that container addresses are allocated from (`--ip-range`). */
  ipRange?: string;
  /** IPv6 subnet, when the network has IPv6. */
  subnet6?: string;
  gateway6?: string;
  ipRange6?: string;
  mtu: number;
  /** `--internal`: no route out, nothing published. */
  internal: boolean;
  /** Inter-container communication on the bridge (`-o icc=false` turns it off). */
  icc: boolean;
  labels: Record<string, string>;
  /** Driver options as given with `-o`. */
  options: Record<string, string>;
  /** ISO 8601 UTC. */
  createdAt: string;
}

/** What `network create` asks for; everything but the name has a default. */
export interface NetworkSpec {
  name: string;
  driver?: string;
  /** Default: `nc-<id>`. */
  bridge?: string;
  /** Default: the first free default pool (see pools.ts). */
  subnet?: string;
  /** Default: the subnet's first host address. */
  gateway?: string;
  ipRange?: string;
  subnet6?: string;
  gateway6?: string;
  ipRange6?: string;
  /** Default 1500. */
  mtu?: number;
  internal?: boolean;
  /** Default true. */
  icc?: boolean;
  labels?: Record<string, string>;
  options?: Record<string, string>;
}

/** A network's resolved addressing. */
export interface Addressing {
  subnet: string;
  gateway: string;
  ipRange?: string;
  subnet6?: string;
  gateway6?: string;
  ipRange6?: string;
}

/** The MTU used when none is given. */
export const DEFAULT_MTU = 1500;

/** The bridge name a network gets when none is given: 15 bytes, the kernel's limit. */
export function defaultBridgeName(id: string): string {
  return `nc-${id.slice(0, 12)}`;
}

/** One address handed out on a network. */
export interface Allocation {
  networkId: string;
  /** Canonical address text, without prefix length. */
  address: string;
  family: 4 | 6;
  /** The container id holding it, or `gateway`. */
  owner: string;
}

/** The owner recorded for a network's gateway addresses. */
export const GATEWAY_OWNER = 'gateway';
