/**
 * A container as netctl records it, and its attachment to networks. Plain data.
 */

/** Lifecycle states, as Docker names them. */
export type ContainerState = 'created' | 'running' | 'restarting' | 'exited' | 'dead';

/**
 * The run options (command, environment, mounts, hostname, restart policy, exposed
 * ports...). Its shape belongs to runtime/; the store keeps it as JSON.
 */
export type ContainerConfig = Record<string, unknown>;

/** One container. Times are ISO 8601 UTC. */
export interface Container {
  /** 64 lowercase hex characters; the first 12 are the short id. */
  id: string;
  /** Unique name. */
  name: string;
  /** Image reference as given, `NAME[:TAG]`. */
  image: string;
  state: ContainerState;
  config: ContainerConfig;
  /** Init process id while running. */
  pid?: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
}

/** What creating a container record needs. */
export interface ContainerSpec {
  name: string;
  image: string;
  config?: ContainerConfig;
  /** Default: a fresh random id. */
  id?: string;
}

/** Fields a container update may change; `null` clears an optional one. */
export interface ContainerUpdate {
  state?: ContainerState;
  config?: ContainerConfig;
  pid?: number | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  exitCode?: number | null;
}

/** A container's attachment to one network. Addresses without prefix length. */
export interface Endpoint {
  containerId: string;
  networkId: string;
  /** Interface name inside the container (`eth0`). */
  ifname: string;
  /** Host-side veth name. */
  hostIfname?: string;
  address?: string;
  address6?: string;
  mac?: string;
  /** DNS names of the container on this network besides its name. */
  aliases: string[];
  /** Issue 25: link-local addresses added to the interface (compose's link_local_ips). */
  linkLocal?: string[];
}
