/**
 * The state store: one object that opens the database and hands out the repositories.
 * Everything that speaks SQL lives under src/store/; callers see plain records from
 * src/model/.
 */
import { dirname, join } from 'node:path';
import { AllowRepo } from './allow-rules.js';
import { ContainerRepo } from './containers.js';
import { type Db, type OpenOptions, openDb } from './db.js';
import { EndpointRepo } from './endpoints.js';
import { HealthRepo } from './health.js';
import { BuildCacheRepo } from './build-cache.js';
import { Ipam } from './ipam.js';
import { Journal } from './journal.js';
import { LinkRepo } from './links.js';
import { NetworkRepo } from './networks.js';
import { PortRepo } from './ports.js';
import { VolumeRepo } from './volumes.js';

export { DEFAULT_ROOT, DB_FILE, type OpenOptions } from './db.js';
export type { AllocateOptions } from './ipam.js';
export type { JournalEntry } from './journal.js';
export type { CreateNetworkOptions } from './networks.js';
export type { PortRequest, ReserveOptions } from './ports.js';
export type { VolumeUser } from './volumes.js';
export type { StoredHealth } from './health.js';

/** The open state database and its repositories. */
export class Store {
  readonly ipam: Ipam;
  readonly networks: NetworkRepo;
  readonly containers: ContainerRepo;
  readonly endpoints: EndpointRepo;
  readonly ports: PortRepo;
  readonly allows: AllowRepo;
  /** Allow rules of Docker's containers, by Docker container name. */
  readonly dockerAllows: AllowRepo;
  readonly links: LinkRepo;
  readonly volumes: VolumeRepo;
  /** Container health, written by the health runner. */
  readonly health: HealthRepo;
  /** The build cache (issue 26). */
  readonly buildCache: BuildCacheRepo;
  /** The intent journal of the commands that change the kernel (store/journal.ts). */
  readonly journal: Journal;

  private constructor(private readonly db: Db) {
    this.ipam = new Ipam(db);
    this.networks = new NetworkRepo(db, this.ipam);
    this.containers = new ContainerRepo(db);
    this.endpoints = new EndpointRepo(db);
    this.ports = new PortRepo(db);
    this.allows = new AllowRepo(db);
    this.dockerAllows = new AllowRepo(db, 'docker_allow_rules');
    this.links = new LinkRepo(db);
    this.volumes = new VolumeRepo(db);
    this.health = new HealthRepo(db);
    this.buildCache = new BuildCacheRepo(db);
    this.journal = new Journal(db, join(dirname(db.path), 'journal'));
  }

  /** Opens the database under `opts.root` (default /var/lib/netctl), creating and migrating it as needed. */
  static open(opts: OpenOptions = {}): Store {
    return new Store(openDb(opts));
  }

  /** Path of the database file. */
  get path(): string {
    return this.db.path;
  }

  /**
   * Runs `fn` in one write transaction: repository calls inside it commit together or not
   * at all, and no other command writes in between. `fn` must be synchronous.
   */
  tx<T>(fn: () => T): T {
    return this.db.tx(fn);
  }

  /** Holds the write lock across an async command (see Db.locked). */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.locked(fn);
  }

  /**
   * Runs `fn` (reads only) in one read transaction: every query inside sees the same
   * committed state, whatever other connections commit meanwhile.
   */
  snapshot<T>(fn: () => T): T {
    return this.db.sql.transaction(fn).deferred();
  }

  /**
   * A number that changes when another connection commits (SQLite's data_version): a cheap
   * way to tell whether anything is worth re-reading.
   */
  dataVersion(): number {
    return this.db.sql.pragma('data_version', { simple: true }) as number;
  }

  /**
   * The firewall revision: a token that changes (by trigger, see schema-v2.ts) whenever
   * anything the firewall rules are planned from changes, including inside the current
   * transaction.
   */
  firewallRevision(): string {
    return (this.db.prepare('SELECT token FROM firewall_revision').get() as { token: string }).token;
  }

  /** Whether any `--link` is recorded. */
  hasLinks(): boolean {
    return this.db.prepare('SELECT 1 FROM links LIMIT 1').get() !== undefined;
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}
