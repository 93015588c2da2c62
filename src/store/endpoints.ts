/**
 * Endpoint records: which container is attached to which network, through which
 * interfaces and with which addresses. Addresses themselves are reserved through Ipam.
 */
import { ConflictError } from '../errors.js';
import type { Endpoint } from '../model/container.js';
import type { Db } from './db.js';
import { json } from './lookup.js';

interface EndpointRow {
  container_id: string;
  network_id: string;
  ifname: string;
  host_ifname: string | null;
  address: string | null;
  address6: string | null;
  mac: string | null;
  aliases: string;
  link_local?: string;
}

function toEndpoint(r: EndpointRow): Endpoint {
  const e: Endpoint = {
    containerId: r.container_id,
    networkId: r.network_id,
    ifname: r.ifname,
    aliases: json(r.aliases),
  };
  if (r.host_ifname !== null) e.hostIfname = r.host_ifname;
  if (r.address !== null) e.address = r.address;
  if (r.address6 !== null) e.address6 = r.address6;
  if (r.mac !== null) e.mac = r.mac;
  const ll = r.link_local ? (json(r.link_local) as string[]) : [];
  if (ll.length > 0) e.linkLocal = ll;
  return e;
}

/** Endpoint records. */
export class EndpointRepo {
  constructor(private readonly db: Db) {}

  /** Records an attachment; refuses a second one of the container to the same network. */
  add(e: Endpoint): Endpoint {
    return this.db.tx(() => {
      const dup = this.db
        .prepare('SELECT 1 FROM endpoints WHERE container_id = ? AND network_id = ?')
        .get(e.containerId, e.networkId);
      if (dup)
        throw new ConflictError(
          `container ${e.containerId.slice(0, 12)} is already connected to network ${e.networkId}`,
        );
      this.db
        .prepare(
          `INSERT INTO endpoints (container_id, network_id, ifname, host_ifname, address, address6, mac, aliases,
             link_local) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          e.containerId,
          e.networkId,
          e.ifname,
          e.hostIfname ?? null,
          e.address ?? null,
          e.address6 ?? null,
          e.mac ?? null,
          JSON.stringify(e.aliases),
          JSON.stringify(e.linkLocal ?? []),
        );
      return e;
    });
  }

  /** Deletes one attachment; false if there was none. Does not release its addresses. */
  remove(containerId: string, networkId: string): boolean {
    return this.db.run('DELETE FROM endpoints WHERE container_id = ? AND network_id = ?', containerId, networkId) > 0;
  }

  /** A container's endpoints, in the order they were added. */
  forContainer(containerId: string): Endpoint[] {
    return (
      this.db.prepare('SELECT * FROM endpoints WHERE container_id = ? ORDER BY rowid').all(containerId) as EndpointRow[]
    ).map(toEndpoint);
  }

  /** Every endpoint, in the order they were added. */
  all(): Endpoint[] {
    return (this.db.prepare('SELECT * FROM endpoints ORDER BY rowid').all() as EndpointRow[]).map(toEndpoint);
  }

  /** A network's endpoints, in the order they were added. */
  forNetwork(networkId: string): Endpoint[] {
    return (
      this.db.prepare('SELECT * FROM endpoints WHERE network_id = ? ORDER BY rowid').all(networkId) as EndpointRow[]
    ).map(toEndpoint);
  }
}
