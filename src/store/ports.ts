/**
 * Host port reservations. A batch is reserved all-or-nothing in one IMMEDIATE
 * transaction: a host ip/port/proto already claimed, by the same triple or through an
 * every-address binding of the same family (0.0.0.0 vs 10.1.2.3), refuses the whole batch.
 */
import { ConflictError } from '../errors.js';
import {
  type HostBinding,
  type PortProto,
  type PublishedPort,
  bindingsClash,
  canonicalHostIp,
  checkPort,
  checkProto,
  formatBinding,
} from '../model/port.js';
import type { Db } from './db.js';

/** One port to publish. */
export interface PortRequest {
  /** Default `0.0.0.0`. */
  hostIp?: string;
  /** Absent: the first free port of the ephemeral range (`-P`, `-p 80`). */
  hostPort?: number;
  containerPort: number;
  /** Default `tcp`. */
  proto?: PortProto;
}

/** Options for a reservation. */
export interface ReserveOptions {
  /** Where free host ports are picked from: the host's ip_local_port_range. Default 32768-60999. */
  ephemeral?: readonly [number, number];
}

interface PortRow {
  container_id: string;
  host_ip: string;
  host_port: number;
  container_port: number;
  proto: PortProto;
}

interface HolderRow {
  host_ip: string;
  host_port: number;
  name: string;
}

function toPort(r: PortRow): PublishedPort {
  return {
    containerId: r.container_id,
    hostIp: r.host_ip,
    hostPort: r.host_port,
    containerPort: r.container_port,
    proto: r.proto,
  };
}

/** Published port records. */
export class PortRepo {
  constructor(private readonly db: Db) {}

  /** Reserves every request for container `containerId`, or none of them. */
  reserve(containerId: string, requests: readonly PortRequest[], opts: ReserveOptions = {}): PublishedPort[] {
    return this.db.tx(() =>
      requests.map((req) => {
        const proto = checkProto(req.proto ?? 'tcp');
        const hostIp = canonicalHostIp(req.hostIp);
        const containerPort = checkPort(req.containerPort, 'container port');
        const hostPort =
          req.hostPort === undefined
            ? this.pickFree(hostIp, proto, opts.ephemeral)
            : checkPort(req.hostPort, 'host port');
        this.refuseClash({ hostIp, hostPort, proto });
        const port: PublishedPort = { containerId, hostIp, hostPort, containerPort, proto };
        this.db
          .prepare(
            'INSERT INTO port_mappings (container_id, host_ip, host_port, container_port, proto) VALUES (?, ?, ?, ?, ?)',
          )
          .run(containerId, hostIp, hostPort, containerPort, proto);
        return port;
      }),
    );
  }

  /** Releases every port of a container; returns how many. */
  release(containerId: string): number {
    return this.db.run('DELETE FROM port_mappings WHERE container_id = ?', containerId);
  }

  /** A container's published ports, or every one; in reservation order. */
  list(containerId?: string): PublishedPort[] {
    const rows =
      containerId === undefined
        ? this.db.prepare('SELECT * FROM port_mappings ORDER BY rowid').all()
        : this.db.prepare('SELECT * FROM port_mappings WHERE container_id = ? ORDER BY rowid').all(containerId);
    return (rows as PortRow[]).map(toPort);
  }

  /**
   * Containers (but `except`) with an endpoint holding an IPv4 address on `networkId` and a
   * port published on every IPv4 address or a loopback one: those whose ports may want the
   * network's route_localnet (engine/localnet.ts decides), one query however many
   * containers the network holds.
   */
  loopbackCandidates(networkId: string, except: string): string[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT p.container_id AS id FROM port_mappings p JOIN endpoints e ON e.container_id = p.container_id
         WHERE e.network_id = ? AND e.address IS NOT NULL AND p.container_id != ?
           AND (p.host_ip = '0.0.0.0' OR p.host_ip LIKE '127.%') ORDER BY p.rowid`,
      )
      .all(networkId, except) as { id: string }[];
    return rows.map((r) => r.id);
  }

  private refuseClash(want: HostBinding): void {
    const rows = this.db
      .prepare(
        `SELECT p.host_ip, p.host_port, c.name FROM port_mappings p JOIN containers c ON c.id = p.container_id
         WHERE p.host_port = ? AND p.proto = ?`,
      )
      .all(want.hostPort, want.proto) as HolderRow[];
    const other = rows.find((r) =>
      bindingsClash(want, { hostIp: r.host_ip, hostPort: r.host_port, proto: want.proto }),
    );
    if (other) {
      const theirs = formatBinding({ hostIp: other.host_ip, hostPort: other.host_port, proto: want.proto });
      throw new ConflictError(
        `cannot publish ${formatBinding(want)}: container "${other.name}" already publishes ${theirs}`,
        'choose another host port',
      );
    }
  }

  private pickFree(hostIp: string, proto: PortProto, range: readonly [number, number] = [32768, 60999]): number {
    const [lo, hi] = [checkPort(range[0], 'ephemeral port'), checkPort(range[1], 'ephemeral port')];
    const rows = this.db
      .prepare('SELECT host_ip, host_port FROM port_mappings WHERE proto = ? AND host_port BETWEEN ? AND ?')
      .all(proto, lo, hi) as { host_ip: string; host_port: number }[];
    const busy = new Set<number>();
    for (const r of rows) {
      const theirs = { hostIp: r.host_ip, hostPort: r.host_port, proto };
      if (bindingsClash({ hostIp, hostPort: r.host_port, proto }, theirs)) busy.add(r.host_port);
    }
    for (let p = lo; p <= hi; p++) if (!busy.has(p)) return p;
    throw new ConflictError(
      `no free host port left in ${lo}-${hi} for ${proto} on ${hostIp}`,
      'publish fewer ports or name host ports',
    );
  }
}
