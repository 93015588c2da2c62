/**
 * Container records: create, look up, update, delete. Deleting one also deletes its
 * endpoints, published ports and links (foreign keys) and releases its addresses and
 * allow rules (trigger), in the same statement.
 */
import { ConflictError, NotFoundError } from '../errors.js';
import type { Container, ContainerSpec, ContainerState, ContainerUpdate } from '../model/container.js';
import { checkName } from '../model/names.js';
import type { Db } from './db.js';
import { findRow, json, newId, now } from './lookup.js';

interface ContainerRow {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  config: string;
  pid: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
}

function toContainer(r: ContainerRow): Container {
  const c: Container = {
    id: r.id,
    name: r.name,
    image: r.image,
    state: r.state,
    config: json(r.config),
    createdAt: r.created_at,
  };
  if (r.pid !== null) c.pid = r.pid;
  if (r.started_at !== null) c.startedAt = r.started_at;
  if (r.finished_at !== null) c.finishedAt = r.finished_at;
  if (r.exit_code !== null) c.exitCode = r.exit_code;
  return c;
}

// Column for each updatable field; values are bound, never spliced.
const COLUMNS: Record<keyof ContainerUpdate, string> = {
  state: 'state',
  config: 'config',
  pid: 'pid',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  exitCode: 'exit_code',
};

/** Container records. */
export class ContainerRepo {
  constructor(private readonly db: Db) {}

  /** Creates a container record in state `created`; refuses a name in use (ConflictError). */
  create(spec: ContainerSpec): Container {
    checkName('container', spec.name);
    return this.db.tx(() => {
      const holder = this.db.prepare('SELECT id FROM containers WHERE name = ?').get(spec.name) as
        | { id: string }
        | undefined;
      if (holder) {
        const message = `container name "${spec.name}" is already in use by container ${holder.id.slice(0, 12)}`;
        throw new ConflictError(message, 'remove it or choose another --name');
      }
      const id = spec.id ?? newId(this.db, 'containers', 32);
      this.db
        .prepare('INSERT INTO containers (id, name, image, state, config, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, spec.name, spec.image, 'created', JSON.stringify(spec.config ?? {}), now());
      return this.require(id);
    });
  }

  /** The container `ref` (id, name or unique id prefix) names, or undefined. */
  get(ref: string): Container | undefined {
    const row = findRow<ContainerRow>(this.db, 'containers', ref);
    return row && toContainer(row);
  }

  /** The container named exactly `name` (never an id or prefix), or undefined. */
  named(name: string): Container | undefined {
    const row = this.db.prepare('SELECT * FROM containers WHERE name = ?').get(name) as ContainerRow | undefined;
    return row && toContainer(row);
  }

  /** Like get, but throws a NotFoundError. */
  require(ref: string): Container {
    const c = this.get(ref);
    if (!c) throw new NotFoundError('container', ref);
    return c;
  }

  /** Every container in creation order; only running ones unless `all`. */
  list(opts: { all?: boolean } = {}): Container[] {
    const sql = opts.all
      ? 'SELECT * FROM containers ORDER BY rowid'
      : "SELECT * FROM containers WHERE state = 'running' ORDER BY rowid";
    return (this.db.prepare(sql).all() as ContainerRow[]).map(toContainer);
  }

  /** Changes the given fields of container `id`; returns the updated record. */
  update(id: string, patch: ContainerUpdate): Container {
    return this.db.tx(() => {
      const keys = (Object.keys(patch) as (keyof ContainerUpdate)[]).filter(
        (k) => patch[k] !== undefined && k in COLUMNS,
      );
      if (keys.length > 0) {
        const set = keys.map((k) => `${COLUMNS[k]} = ?`).join(', ');
        const values = keys.map((k) => (k === 'config' ? JSON.stringify(patch.config) : patch[k]));
        const res = this.db.prepare(`UPDATE containers SET ${set} WHERE id = ?`).run(...values, id);
        if (res.changes === 0) throw new NotFoundError('container', id);
      }
      return this.require(id);
    });
  }

  /** Deletes container `id` and everything that belongs to it; false if it did not exist. */
  remove(id: string): boolean {
    return this.db.run('DELETE FROM containers WHERE id = ?', id) > 0;
  }
}
