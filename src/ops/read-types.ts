/**
 * The read model's views as plain data: what `netctl rules`, `ufw status`, `ps` and the TUI
 * show, built by ops/read-*.ts from one Host. Components and commands render these and
 * nothing else, so tests render them against fixed ones.
 */
import type { RecordKind } from '../model/cni-record.js';

/** One network row. */
export interface NetworkView {
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
export interface PortView {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  proto: string;
  exposure: 'open' | 'closed' | 'restricted' | 'local' | 'unknown';
  sources: string[];
  reason: string;
}

/** One of a container's veth pairs: the host end on a bridge, the end inside. */
export interface VethView {
  /** Host end, a port of the network's bridge. */
  host: string;
  /** The interface inside the container (`eth0`). */
  peer: string;
  network: string;
  address: string;
}

/** Whose container: netctl's own, a CNI attachment (a runtime's, through netctl's plugin), or Podman 5's (its netavark plugin). */
export type ContainerKind = RecordKind;

/** Whose container a rule is about: netctl's, a CNI or Podman attachment, Docker's. */
export type OwnerKind = RecordKind | 'docker';

/** What a CNI attachment's record keeps of the runtime's side. */
export interface CniView {
  /** The CNI network configuration's name. */
  config: string;
  /** CNI_CONTAINERID, CNI_IFNAME. */
  containerId: string;
  ifname: string;
  /** K8S_POD_NAMESPACE=ns1 K8S_POD_NAME=web and the like. */
  args: string[];
}

/** One container. */
export interface ContainerView {
  id: string;
  name: string;
  kind: ContainerKind;
  /** For a CNI attachment. */
  cni?: CniView;
  state: string;
  /** A running container's health, when it has a check: starting, healthy or unhealthy. */
  health?: string;
  address: string;
  network: string;
  ports: PortView[];
  /** Its veth pair on each network, and its namespace. */
  veths: VethView[];
  netns: string;
  links: string[];
  /** Its volumes, binds and tmpfs mounts, one line each: `volume dbdata -> /var/lib/db (ro)`. */
  mounts?: string[];
  /** The image it was created from: `nginx:latest (sha256:0123456789ab)`. */
  image?: string;
}

/** One rule netctl owns, with its counters. */
export interface OwnedRule {
  family: 4 | 6;
  table: string;
  chain: string;
  /** The rule as iptables-save prints it, without counters. */
  text: string;
  packets: number;
  bytes: number;
  /** `cni` or `podman` when it names such an attachment's address, else `netctl`. */
  owner: ContainerKind;
  /** The containers whose addresses it names. */
  containers: string[];
}

/**
 * One ufw route rule netctl made: for its own containers and CNI attachments (from the
 * database) or for Docker's (from ufw's user rules files, as `netctl allow` on a Docker name
 * or `netctl docker watch` wrote them), or a stored Docker allow rule with no route now.
 */
export interface RouteLine {
  owner: OwnerKind;
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
export interface LiveSnapshot {
  /** When it was taken (ISO). */
  at: string;
  /** `ufw active, routed policy deny, netctl block loaded` and the like. */
  ufw: string;
  /** The embedded DNS server: `dns 127.0.0.11 up (pid N, M containers)`, or DOWN, or '' when unused. */
  dns?: string;
  networks: NetworkView[];
  containers: ContainerView[];
  rules: OwnedRule[];
  /** The ufw route rules netctl made: its own containers' and CNI attachments', then Docker's. */
  routes: RouteLine[];
}
