/**
 * The names the embedded DNS server answers, built from the records alone (pure): on each
 * user-defined network (not the default `bridge`, where Docker has no embedded DNS either)
 * every running container by name, short id and network aliases (compose's service name is
 * one: replicas share it, so it answers with every replica's address), plus the asking
 * container's own `--link` aliases. A container sees only the networks it is on.
 */
import type { Container, Endpoint } from '../model/container.js';
import type { Network } from '../model/network.js';

/** A link as the store keeps it: the linking container's id, the target's name, the alias. */
export interface ZoneLink {
  containerId: string;
  target: string;
  alias: string;
}

/** What the zone is built from. */
export interface ZoneInput {
  containers: readonly Container[];
  networks: readonly Network[];
  endpoints: readonly Endpoint[];
  links: readonly ZoneLink[];
}

/** Addresses of one name. */
export interface Addresses {
  v4: string[];
  v6: string[];
}

/** One user network's names and reverse entries. */
interface NetZone {
  network: Network;
  names: Map<string, Addresses>;
  /** Address to `container.network` (Docker's PTR answer). */
  reverse: Map<string, string>;
}

/** What one container may resolve. */
export interface ZoneView {
  /** Its user-defined networks, in attachment order (their ids). */
  networks: string[];
  /** Whether names it does not know go upstream: not when every network of it is internal. */
  forward: boolean;
  /** Its own resolvers (`--dns`, compose `dns`): they answer what it forwards, not the host's. */
  upstreams?: string[];
}

/** The `--dns` servers a container record keeps (config.dns.servers), when it has any. */
export function ownUpstreams(c: Pick<Container, 'config'>): string[] | undefined {
  const servers = (c.config.dns as { servers?: string[] } | undefined)?.servers;
  return servers?.length ? [...servers] : undefined;
}

/** The DNS name form used for matching: lower case, no trailing dot. */
export function normName(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

function add(map: Map<string, Addresses>, name: string, e: Endpoint): void {
  const key = normName(name);
  let a = map.get(key);
  if (!a) map.set(key, (a = { v4: [], v6: [] }));
  if (e.address && !a.v4.includes(e.address)) a.v4.push(e.address);
  if (e.address6 && !a.v6.includes(e.address6)) a.v6.push(e.address6);
}

/** The zone: every user network's names, and each running container's view. */
export class Zone {
  private readonly nets = new Map<string, NetZone>();
  private readonly views = new Map<string, ZoneView>();
  private readonly links = new Map<string, Map<string, Addresses>>();
  /** Running containers attached to a user network (they get a server socket). */
  readonly served: readonly Container[];

  constructor(input: ZoneInput) {
    const running = new Map(input.containers.filter((c) => c.state === 'running').map((c) => [c.id, c]));
    for (const n of input.networks)
      if (n.name !== 'bridge') this.nets.set(n.id, { network: n, names: new Map(), reverse: new Map() });
    for (const e of input.endpoints) {
      const z = this.nets.get(e.networkId);
      const c = running.get(e.containerId);
      if (!z || !c) continue;
      for (const name of [c.name, c.id.slice(0, 12), ...e.aliases]) add(z.names, name, e);
      const ptr = `${c.name}.${z.network.name}`;
      if (e.address) z.reverse.set(e.address, ptr);
      if (e.address6) z.reverse.set(e.address6, ptr);
      const v = this.views.get(c.id) ?? { networks: [], forward: false, upstreams: ownUpstreams(c) };
      v.networks.push(e.networkId);
      v.forward ||= !z.network.internal;
      this.views.set(c.id, v);
    }
    this.served = [...this.views.keys()].map((id) => running.get(id)!);
    this.buildLinks(input, running);
  }

  /** `--link` aliases: the target's addresses on the first network both share. */
  private buildLinks(input: ZoneInput, running: Map<string, Container>): void {
    const byName = new Map([...running.values()].map((c) => [c.name, c]));
    for (const l of input.links) {
      const view = this.views.get(l.containerId);
      const target = byName.get(l.target);
      if (!view || !target) continue;
      for (const nid of view.networks) {
        const e = input.endpoints.find((x) => x.containerId === target.id && x.networkId === nid);
        if (!e) continue;
        const m = this.links.get(l.containerId) ?? new Map<string, Addresses>();
        add(m, l.alias, e);
        this.links.set(l.containerId, m);
        break;
      }
    }
  }

  /** What container `id` sees; undefined when it is not running on a user network. */
  view(id: string): ZoneView | undefined {
    return this.views.get(id);
  }

  /**
   * The addresses of `name` as `asker` sees them: its link aliases first, then its networks
   * in order (the first network that knows the name answers, as in Docker), or undefined.
   */
  lookup(asker: ZoneView & { id: string }, name: string): Addresses | undefined {
    const key = normName(name);
    const link = this.links.get(asker.id)?.get(key);
    if (link) return link;
    for (const nid of asker.networks) {
      const a = this.nets.get(nid)?.names.get(key);
      if (a) return a;
    }
    return undefined;
  }

  /** The PTR target of `address` on the networks `asker` is on. */
  reverse(asker: ZoneView, address: string): string | undefined {
    for (const nid of asker.networks) {
      const r = this.nets.get(nid)?.reverse.get(address);
      if (r) return r;
    }
    return undefined;
  }

  /** Whether `address` lies in a user network's subnet the asker is on (its PTR is ours to answer). */
  owns(asker: ZoneView, address: string): boolean {
    return asker.networks.some((nid) => this.nets.get(nid)?.reverse.has(address));
  }

  /** How many names the zone holds (for status). */
  get size(): number {
    let n = 0;
    for (const z of this.nets.values()) n += z.names.size;
    return n;
  }
}
