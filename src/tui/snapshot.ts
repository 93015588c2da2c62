/**
 * What the TUI shows, as plain data: components render a snapshot and nothing else, so
 * tests render them against a fixed one. The live source (source.ts) builds them.
 */

/** One network row. */
export interface TuiNetwork {
  name: string;
  bridge: string;
  subnet: string;
  gateway: string;
  icc: boolean;
  internal: boolean;
  containers: number;
  /** The bridge exists and is up. */
  up: boolean;
}

/** One published port and what ufw does to new connections to it from outside. */
export interface TuiPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  proto: string;
  exposure: 'open' | 'closed' | 'restricted' | 'unknown';
  sources: string[];
  reason: string;
}

/** One of a container's veth pairs: the host end on a bridge, the end inside. */
export interface TuiVeth {
  /** Host end, a port of the network's bridge. */
  host: string;
  /** The interface inside the container (`eth0`). */
  peer: string;
  network: string;
  address: string;
}

/** One container. */
export interface TuiContainer {
  id: string;
  name: string;
  state: string;
  address: string;
  network: string;
  ports: TuiPort[];
  /** Its veth pair on each network, and its namespace. */
  veths: TuiVeth[];
  netns: string;
  links: string[];
}

/** One rule netctl owns, with its counters. */
export interface TuiRule {
  family: 4 | 6;
  table: string;
  chain: string;
  /** The rule as iptables-save prints it, without counters. */
  text: string;
  packets: number;
  bytes: number;
}

/** Everything on screen. */
export interface TuiSnapshot {
  /** When it was taken (ISO). */
  at: string;
  /** `ufw active, routed policy deny, netctl block loaded` and the like. */
  ufw: string;
  networks: TuiNetwork[];
  containers: TuiContainer[];
  rules: TuiRule[];
  /** The ufw route rules netctl made, as `ufw route allow ...` lines. */
  routes: string[];
}

/** The rows of the Containers pane: one per published port, one for a container without. */
export interface PortRow {
  container: TuiContainer;
  port?: TuiPort;
}

/** Flattens containers into port rows. */
export function portRows(containers: readonly TuiContainer[]): PortRow[] {
  return containers.flatMap((c) => (c.ports.length === 0 ? [{ container: c }] : c.ports.map((port) => ({ container: c, port }))));
}

/** Whether a rule concerns a container (its address appears in it). */
export function ruleOf(rule: TuiRule, c: TuiContainer): boolean {
  return c.address !== '' && new RegExp(`(^|[^\\d.])${c.address.replace(/\./g, '\\.')}([^\\d]|$)`).test(rule.text);
}
