/**
 * The netlink client interface: everything netctl asks of the kernel's link, address and
 * route tables. The real implementation is client.ts (the one file importing the `netlink`
 * package); tests pass a recording fake.
 *
 * Methods that create something resolve to `true` when they made the change and `false`
 * when it was already so, which is what lets a re-run be harmless and lets the apply layer
 * undo only what it did. Errors read `action "object": cause`, e.g.
 * `create bridge "br0": File exists`.
 */

/** A network interface as listed by the kernel. */
export interface LinkInfo {
  index: number;
  name: string;
  /** IFLA_INFO_KIND: "bridge", "veth", ...; absent for plain devices such as lo. */
  kind?: string;
  mtu?: number;
  /** Administratively up (IFF_UP). */
  up: boolean;
  /** Index of the bridge this link is a port of. */
  master?: number;
  /** MAC address, lower-case hex with colons. */
  mac?: string;
}

/** An address on an interface. */
export interface AddressInfo {
  index: number;
  family: 4 | 6;
  /** The address and prefix, e.g. `10.99.0.1/24`. */
  cidr: string;
}

/** A route of the main table. */
export interface RouteInfo {
  family: 4 | 6;
  /** `default` or a CIDR. */
  dst: string;
  gateway?: string;
  /** Output interface index. */
  oif?: number;
  /** Routing protocol number (2 kernel, 3 boot, 4 static...). */
  protocol: number;
  /** Route scope (0 universe, 253 link, 254 host). */
  scope: number;
}

/** What to route; with no `dst` it is the default route of the gateway's family. */
export interface RouteSpec {
  /** Destination CIDR; absent for the default route. */
  dst?: string;
  /** Next hop; absent for a directly connected (scope link) route, which then needs `ifname`. */
  gateway?: string;
  ifname?: string;
}

/** Options for {@link NetlinkClient.addAddress}. */
export interface AddressOptions {
  /** IPv6: skip duplicate address detection so the address is usable at once. */
  nodad?: boolean;
}

/** The kernel's link/address/route tables of one network namespace. */
export interface NetlinkClient {
  listLinks(): Promise<LinkInfo[]>;
  /** The link called `name`, or undefined when there is none. */
  getLink(name: string): Promise<LinkInfo | undefined>;
  /** The link with ifindex `index`, undefined when there is none (one request, not a dump). */
  getLinkByIndex(index: number): Promise<LinkInfo | undefined>;
  /** Creates a bridge; an existing bridge of that name is accepted (false), any other link is EEXIST. */
  createBridge(name: string, opts?: { mtu?: number }): Promise<boolean>;
  /**
   * Creates a veth pair, the peer in the namespace behind `peerNetnsFd` when given. Never
   * accepts EEXIST: a leftover pair is garbage to collect, not something to reuse.
   */
  createVeth(name: string, peerName: string, opts?: { peerNetnsFd?: number; mtu?: number }): Promise<void>;
  /** Deletes a link (a veth pair goes as a whole); false when there was no such link. */
  deleteLink(name: string): Promise<boolean>;
  setUp(name: string): Promise<void>;
  setDown(name: string): Promise<void>;
  setMtu(name: string, mtu: number): Promise<void>;
  /** Makes `name` a port of bridge `master`; null removes it from its bridge. */
  setMaster(name: string, master: string | null): Promise<void>;
  /** Hairpin mode of a bridge port (it must already have its master). */
  setHairpin(name: string, on: boolean): Promise<void>;
  /** Sets the hardware address (`02:42:0a:00:00:02`). */
  setMac(name: string, mac: string): Promise<void>;
  rename(name: string, newName: string): Promise<void>;
  /** Moves a link into the network namespace behind `netnsFd`. */
  moveToNetns(name: string, netnsFd: number): Promise<void>;
  /** Adds `cidr` (v4 with its broadcast address, like `ip addr add ... brd +`); false when already there. */
  addAddress(name: string, cidr: string, opts?: AddressOptions): Promise<boolean>;
  /** Removes an address; false when it was not there. */
  deleteAddress(name: string, cidr: string): Promise<boolean>;
  /** Addresses of one link, or of every link. */
  listAddresses(name?: string): Promise<AddressInfo[]>;
  /** Adds a main-table route; false when the identical route is already there. */
  addRoute(route: RouteSpec): Promise<boolean>;
  /** Removes a main-table route; false when there was no such route. */
  deleteRoute(route: RouteSpec): Promise<boolean>;
  /** Main-table routes, of one family or both. */
  listRoutes(family?: 4 | 6): Promise<RouteInfo[]>;
  /** Closes the socket. */
  close(): void;
}

/** Opens a client, inside the namespace at `netnsPath` when given. */
export type OpenNetlink = (netnsPath?: string) => NetlinkClient;
