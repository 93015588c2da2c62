/**
 * What every firewall backend is asked to enforce: the networks and the published ports,
 * already resolved by the engine (addresses chosen, port ranges expanded). Plain data.
 */

/** One network as the firewall sees it. */
export interface NetworkRules {
  /** Short lowercase hex id; names the network's own chains (`NETCTL-N-<id>`). */
  id: string;
  /** The user's network name; only ever used inside rule comments. */
  name: string;
  /** The bridge interface. */
  bridge: string;
  /** IPv4 subnet (CIDR). Without one the network gets no IPv4 rules. */
  subnet?: string;
  /** IPv6 subnet (CIDR). Without one the network gets no IPv6 rules. */
  subnet6?: string;
  /** No route out, nothing in: `--internal`. */
  internal: boolean;
  /** Inter-container communication on the bridge (`-o icc=false` turns it off). */
  icc: boolean;
  /** `false`: traffic leaving the network keeps its container source address. Default true. */
  ipMasq?: boolean;
  /**
   * The cluster's routed pod ranges (either family): traffic to them is not masqueraded,
   * and packets from them may reach the network's containers directly, from any interface.
   */
  clusterCidrs?: readonly string[];
}

/** Transport protocols a port can be published for. */
export type PortProto = 'tcp' | 'udp' | 'sctp';

/**
 * One published port, resolved: a single host port to a single container address and port
 * (ranges are expanded by the caller). The address family is the container address's.
 */
export interface PortMapping {
  /** Id of the network the container address belongs to. */
  network: string;
  proto: PortProto;
  /** Host address the port is bound to; absent means every host address of the family. */
  hostIp?: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

/**
 * A container's address on a network. Packets to it must come in over that network's
 * bridge: one routed to us from anywhere else is dropped before NAT sees it.
 */
export interface EndpointAddress {
  /** Id of the network. */
  network: string;
  /** The container's address there (either family). */
  ip: string;
}

/**
 * A legacy `--link` opened on an icc=false network: `from` (the linking container) may open
 * connections to `to` (the linked one) on these ports; replies ride the established accept.
 */
export interface LinkRule {
  /** Id of the network both addresses are on. */
  network: string;
  from: string;
  to: string;
  ports: readonly { proto: PortProto; port: number }[];
  /** Names the link in rule comments: `PARENT:ALIAS` (container names, checked). */
  name: string;
}

/** The whole desired state a firewall backend enforces. */
export interface FirewallInput {
  networks: readonly NetworkRules[];
  ports?: readonly PortMapping[];
  /** Container addresses, guarded against being reached from outside their bridge. */
  endpoints?: readonly EndpointAddress[];
  /** Openings of `--link` on networks with icc off. */
  links?: readonly LinkRule[];
  /**
   * Let ufw decide new connections to published ports: each one first goes through the
   * chain of netctl's ufw block (`ufw-netctl-forward`, `ufw6-netctl-forward`). Set it, per
   * family, only while that chain is loaded (see `blockInstalled` and `chainLoaded` in
   * firewall/ufw): iptables-restore refuses a jump to a missing chain.
   */
  ufw?: boolean;
}
