/**
 * Network records. Creating one resolves its addressing and reserves its gateways in the
 * same transaction that checks names, bridges and subnet overlaps, so two concurrent
 * `network create` commands cannot both take the same name, bridge or pool.
 */
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { checkIfName, checkName } from '../model/names.js';
import { resolveAddressing, checkMtu } from '../model/network-addressing.js';
import { DEFAULT_MTU, GATEWAY_OWNER, type Network, type NetworkSpec, defaultBridgeName } from '../model/network.js';
import type { Db } from './db.js';
import type { Ipam } from './ipam.js';
import { findRow, json, newId, now } from './lookup.js';

interface NetworkRow {
  id: string;
  name: string;
  driver: string;
  bridge: string;
  subnet: string;
  gateway: string;
  ip_range: string | null;
  subnet6: string | null;
  gateway6: string | null;
  ip_range6: string | null;
  mtu: number;
  internal: number;
  icc: number;
  labels: string;
  options: string;
  created_at: string;
}

function toNetwork(r: NetworkRow): Network {
  const n: Network = {
    id: r.id,
    name: r.name,
    driver: r.driver,
    bridge: r.bridge,
    subnet: r.subnet,
    gateway: r.gateway,
    mtu: r.mtu,
    internal: r.internal === 1,
    icc: r.icc === 1,
    labels: json(r.labels),
    options: json(r.options),
    createdAt: r.created_at,
  };
  if (r.ip_range !== null) n.ipRange = r.ip_range;
  if (r.subnet6 !== null) n.subnet6 = r.subnet6;
  if (r.gateway6 !== null) n.gateway6 = r.gateway6;
  if (r.ip_range6 !== null) n.ipRange6 = r.ip_range6;
  return n;
}

/** Options for creating a network. */
export interface CreateNetworkOptions {
  /** Destinations of the host's routes (`10.0.0.0/8`, `192.168.1.1`): subnets must not overlap them. */
  hostRoutes?: readonly string[];
  /** The address pools a network without `--subnet` takes from (default: Docker's, pools.ts). */
  pools?: readonly string[];
}

/** Network records. */
export class NetworkRepo {
  constructor(
    private readonly db: Db,
    private readonly ipam: Ipam,
  ) {}

  /** Creates a network, reserving its gateway addresses. See NetworkSpec for defaults. */
  create(spec: NetworkSpec, opts: CreateNetworkOptions = {}): Network {
    checkName('network', spec.name);
    if (spec.bridge !== undefined) checkIfName(spec.bridge);
    const driver = spec.driver ?? 'bridge';
    if (driver !== 'bridge') throw new UsageError(`unsupported network driver "${driver}": only "bridge"`);
    const mtu = checkMtu(spec.mtu ?? DEFAULT_MTU, spec.subnet6 !== undefined);
    return this.db.tx(() => {
      if (this.byName(spec.name)) throw new ConflictError(`network with name "${spec.name}" already exists`);
      const addressing = resolveAddressing(spec, this.list(), opts.hostRoutes, opts.pools);
      const id = newId(this.db, 'networks', 6);
      const bridge = spec.bridge ?? defaultBridgeName(id);
      const holder = this.db.prepare('SELECT name FROM networks WHERE bridge = ?').get(bridge) as
        | { name: string }
        | undefined;
      if (holder) throw new ConflictError(`bridge "${bridge}" is already used by network "${holder.name}"`);
      this.db
        .prepare(
          `INSERT INTO networks (id, name, driver, bridge, subnet, gateway, ip_range, subnet6, gateway6, ip_range6,
             mtu, internal, icc, labels, options, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          spec.name,
          driver,
          bridge,
          addressing.subnet,
          addressing.gateway,
          addressing.ipRange ?? null,
          addressing.subnet6 ?? null,
          addressing.gateway6 ?? null,
          addressing.ipRange6 ?? null,
          mtu,
          spec.internal ? 1 : 0,
          spec.icc === false ? 0 : 1,
          JSON.stringify(spec.labels ?? {}),
          JSON.stringify(spec.options ?? {}),
          now(),
        );
      this.ipam.allocate(id, { owner: GATEWAY_OWNER, requested: addressing.gateway });
      if (addressing.gateway6 !== undefined)
        this.ipam.allocate(id, { owner: GATEWAY_OWNER, requested: addressing.gateway6 });
      return this.require(id);
    });
  }

  /** The network `ref` (id, name or unique id prefix) names, or undefined. */
  get(ref: string): Network | undefined {
    const row = findRow<NetworkRow>(this.db, 'networks', ref);
    return row && toNetwork(row);
  }

  /** Like get, but throws a NotFoundError. */
  require(ref: string): Network {
    const n = this.get(ref);
    if (!n) throw new NotFoundError('network', ref);
    return n;
  }

  /** Every network, in creation order. */
  list(): Network[] {
    return (this.db.prepare('SELECT * FROM networks ORDER BY rowid').all() as NetworkRow[]).map(toNetwork);
  }

  /**
   * Deletes a network and its address allocations. Refuses (ConflictError) while
   * containers are attached to it. Returns the deleted record.
   */
  remove(ref: string): Network {
    return this.db.tx(() => {
      const n = this.require(ref);
      const users = this.db
        .prepare(
          'SELECT c.name FROM endpoints e JOIN containers c ON c.id = e.container_id WHERE e.network_id = ? ORDER BY c.name',
        )
        .all(n.id) as { name: string }[];
      if (users.length > 0) {
        const names = users.map((u) => u.name).join(', ');
        throw new ConflictError(
          `network "${n.name}" has active endpoints: ${names}`,
          'disconnect or remove those containers first',
        );
      }
      this.db.prepare('DELETE FROM networks WHERE id = ?').run(n.id);
      return n;
    });
  }

  private byName(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM networks WHERE name = ?').get(name) !== undefined;
  }
}
