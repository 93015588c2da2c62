/**
 * Address management: handing out and taking back addresses of a network, each choice
 * made inside one IMMEDIATE transaction so concurrent commands never get the same one.
 */
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { type Family, contains, firstFree, formatIp, isHostAddress, parseCidr, parseIp } from '../model/addr.js';
import type { Allocation } from '../model/network.js';
import type { Db } from './db.js';

/** What to allocate. */
export interface AllocateOptions {
  /** Container id, or `gateway`. */
  owner: string;
  /** A specific address (`--ip`); its family decides the family. */
  requested?: string;
  /** Family of a chosen address; default 4. */
  family?: Family;
}

interface SubnetRow {
  name: string;
  subnet: string;
  ip_range: string | null;
  subnet6: string | null;
  ip_range6: string | null;
}

interface AllocationRow {
  network_id: string;
  address: string;
  family: Family;
  owner: string;
}

function toAllocation(r: AllocationRow): Allocation {
  return { networkId: r.network_id, address: r.address, family: r.family, owner: r.owner };
}

/** The address manager. */
export class Ipam {
  constructor(private readonly db: Db) {}

  /**
   * Reserves `opts.requested`, or the lowest free address of the network's ip range (its
   * subnet without one), never the network, broadcast or an allocated address. Throws a
   * UsageError for an address outside the subnet, a ConflictError when it is taken or the
   * range is full. Returns the canonical address.
   */
  allocate(networkId: string, opts: AllocateOptions): string {
    return this.db.tx(() => {
      const net = this.db
        .prepare('SELECT name, subnet, ip_range, subnet6, ip_range6 FROM networks WHERE id = ?')
        .get(networkId) as SubnetRow | undefined;
      if (!net) throw new NotFoundError('network', networkId);
      const address =
        opts.requested !== undefined
          ? this.checkRequested(net, networkId, opts.requested)
          : this.choose(net, networkId, opts.family ?? 4);
      this.db
        .prepare('INSERT INTO ip_allocations (network_id, address, family, owner) VALUES (?, ?, ?, ?)')
        .run(networkId, address, address.includes(':') ? 6 : 4, opts.owner);
      return address;
    });
  }

  /** Gives back one address; true if it was allocated. */
  release(networkId: string, address: string): boolean {
    const canonical = formatIp(parseIp(address));
    return this.db.run('DELETE FROM ip_allocations WHERE network_id = ? AND address = ?', networkId, canonical) > 0;
  }

  /** Gives back every address `owner` holds (on one network, or on all); returns how many. */
  releaseOwner(owner: string, networkId?: string): number {
    if (networkId === undefined) return this.db.run('DELETE FROM ip_allocations WHERE owner = ?', owner);
    return this.db.run('DELETE FROM ip_allocations WHERE owner = ? AND network_id = ?', owner, networkId);
  }

  /** A network's allocations, IPv4 first, in address order. */
  list(networkId: string): Allocation[] {
    const rows = this.db.prepare('SELECT * FROM ip_allocations WHERE network_id = ?').all(networkId) as AllocationRow[];
    const keyed = rows.map((r) => ({ r, key: parseIp(r.address).value }));
    keyed.sort((a, b) => a.r.family - b.r.family || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return keyed.map((k) => toAllocation(k.r));
  }

  private subnetOf(net: SubnetRow, family: Family): { subnet: string; range: string } {
    const subnet = family === 4 ? net.subnet : net.subnet6;
    if (subnet === null) throw new UsageError(`network "${net.name}" has no IPv6 subnet`);
    return { subnet, range: (family === 4 ? net.ip_range : net.ip_range6) ?? subnet };
  }

  private checkRequested(net: SubnetRow, networkId: string, requested: string): string {
    const ip = parseIp(requested, 'IP address');
    const { subnet: text } = this.subnetOf(net, ip.family);
    const subnet = parseCidr(text);
    const address = formatIp(ip);
    if (!contains(subnet, ip))
      throw new UsageError(`address "${requested}" is not in subnet ${text} of network "${net.name}"`);
    if (!isHostAddress(subnet, ip)) {
      throw new UsageError(
        `address "${requested}" is the network or broadcast address of ${text} on network "${net.name}"`,
      );
    }
    const holder = this.db
      .prepare('SELECT owner FROM ip_allocations WHERE network_id = ? AND address = ?')
      .get(networkId, address) as { owner: string } | undefined;
    if (holder)
      throw new ConflictError(`address ${address} is already in use on network "${net.name}"`, 'choose another --ip');
    return address;
  }

  private choose(net: SubnetRow, networkId: string, family: Family): string {
    const { subnet, range } = this.subnetOf(net, family);
    const rows = this.db
      .prepare('SELECT address FROM ip_allocations WHERE network_id = ? AND family = ?')
      .pluck()
      .all(networkId, family) as string[];
    const taken = new Set(rows.map((a) => parseIp(a).value));
    const free = firstFree(parseCidr(subnet), parseCidr(range), taken);
    if (!free) {
      throw new ConflictError(
        `no free IPv${family} address left in ${range} on network "${net.name}"`,
        'remove a container from it, or use a network with a larger subnet or ip range',
      );
    }
    return formatIp(free);
  }
}
