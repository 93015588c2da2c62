/**
 * What the TUI shows, as plain data: components render a snapshot and nothing else, so
 * tests render them against a fixed one. The live source (source.ts) builds them.
 */

import { mentions } from '../engine/rule-owners.js';

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

/** Whose container: netctl's own, or a CNI attachment (a runtime's, through netctl's plugin). */
export type TuiKind = 'netctl' | 'cni';

/** Whose container a rule is about: netctl's, a CNI attachment, Docker's. */
export type TuiOwner = 'netctl' | 'cni' | 'docker';

/** What a CNI attachment's record keeps of the runtime's side. */
export interface TuiCni {
  /** The CNI network configuration's name. */
  config: string;
  /** CNI_CONTAINERID, CNI_IFNAME. */
  containerId: string;
  ifname: string;
  /** K8S_POD_NAMESPACE=ns1 K8S_POD_NAME=web and the like. */
  args: string[];
}

/** One container. */
export interface TuiContainer {
  id: string;
  name: string;
  kind: TuiKind;
  /** For a CNI attachment. */
  cni?: TuiCni;
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
  /** `cni` when it names a CNI attachment's address, else `netctl`. */
  owner: TuiKind;
  /** The containers whose addresses it names. */
  containers: string[];
}

/**
 * One ufw route rule netctl made: for its own containers and CNI attachments (from the
 * database) or for Docker's (from ufw's user rules files, as `netctl allow` on a Docker name
 * or `netctl docker watch` wrote them), or a stored Docker allow rule with no route now.
 */
export interface TuiRoute {
  owner: TuiOwner;
  container: string;
  /** `ufw route allow ...`; '' for a stored Docker rule that stands for no route now. */
  command: string;
  /** The allow rule: `web 80/tcp from 203.0.113.0/24`. */
  allow: string;
  /** Recorded by `netctl allow`, or declared by a Docker container's `netctl.allow` label. */
  source: 'stored' | 'label';
  /** Its rule in ufw's live forward chain, with counters; null when not loaded (ufw off, or not written). */
  live: { packets: number; bytes: number } | null;
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
  /** The ufw route rules netctl made: its own containers' and CNI attachments', then Docker's. */
  routes: TuiRoute[];
}

/** The rows of the Containers pane: one per published port, one for a container without. */
export interface PortRow {
  container: TuiContainer;
  port?: TuiPort;
}

/** Flattens containers into port rows. */
export function portRows(containers: readonly TuiContainer[]): PortRow[] {
  return containers.flatMap((c) =>
    c.ports.length === 0 ? [{ container: c }] : c.ports.map((port) => ({ container: c, port })),
  );
}

/** Whether a rule concerns a container (its address appears in it). */
export function ruleOf(rule: TuiRule, c: TuiContainer): boolean {
  return mentions(rule.text, c.address);
}
