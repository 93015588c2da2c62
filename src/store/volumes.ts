/**
 * Volume records and their users (which container mounts which volume where).
 */
import { ConflictError, NotFoundError } from '../errors.js';
import type { Volume, VolumeSpec } from '../model/volume.js';
import { checkVolumeName } from '../model/volume.js';
import type { Db } from './db.js';
import { json, now } from './lookup.js';

interface VolumeRow {
  name: string;
  driver: string;
  options: string;
  labels: string;
  anonymous: number;
  created_at: string;
}

function toVolume(r: VolumeRow): Volume {
  return {
    name: r.name,
    driver: 'local',
    options: json(r.options),
    labels: json(r.labels),
    anonymous: r.anonymous === 1,
    createdAt: r.created_at,
  };
}

/** A container that uses a volume. */
export interface VolumeUser {
  containerId: string;
  containerName: string;
  target: string;
}

/** Volume records. */
export class VolumeRepo {
  constructor(private readonly db: Db) {}

  /** Records a new volume; refuses a name in use (ConflictError). */
  create(spec: VolumeSpec): Volume {
    checkVolumeName(spec.name);
    return this.db.tx(() => {
      if (this.get(spec.name)) throw new ConflictError(`volume "${spec.name}" already exists`);
      this.db
        .prepare('INSERT INTO volumes (name, driver, options, labels, anonymous, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(
          spec.name,
          'local',
          JSON.stringify(spec.options ?? {}),
          JSON.stringify(spec.labels ?? {}),
          spec.anonymous ? 1 : 0,
          now(),
        );
      return this.require(spec.name);
    });
  }

  /** The volume named `name`, or undefined. */
  get(name: string): Volume | undefined {
    const row = this.db.prepare('SELECT * FROM volumes WHERE name = ?').get(name) as VolumeRow | undefined;
    return row && toVolume(row);
  }

  /** Like get, but throws a NotFoundError. */
  require(name: string): Volume {
    const v = this.get(name);
    if (!v) throw new NotFoundError('volume', name);
    return v;
  }

  /** Every volume, by name. */
  list(): Volume[] {
    return (this.db.prepare('SELECT * FROM volumes ORDER BY name').all() as VolumeRow[]).map(toVolume);
  }

  /** The containers using volume `name`, in creation order. */
  users(name: string): VolumeUser[] {
    return this.db
      .prepare(
        `SELECT u.container_id AS containerId, c.name AS containerName, u.target AS target
           FROM volume_users u JOIN containers c ON c.id = u.container_id
          WHERE u.volume = ? ORDER BY c.rowid`,
      )
      .all(name) as VolumeUser[];
  }

  /** Records that container `containerId` mounts volume `name` at `target`. */
  use(name: string, containerId: string, target: string): void {
    this.db.run(
      'INSERT OR REPLACE INTO volume_users (volume, container_id, target) VALUES (?, ?, ?)',
      name,
      containerId,
      target,
    );
  }

  /** The names of the volumes container `containerId` uses. */
  usedBy(containerId: string): string[] {
    return (
      this.db.prepare('SELECT volume FROM volume_users WHERE container_id = ? ORDER BY rowid').all(containerId) as {
        volume: string;
      }[]
    ).map((r) => r.volume);
  }

  /** Deletes volume `name`; refused while a container uses it. False if it did not exist. */
  remove(name: string): boolean {
    const users = this.users(name);
    if (users.length > 0)
      throw new ConflictError(
        `volume "${name}" is in use by container${users.length > 1 ? 's' : ''} ${users.map((u) => u.containerName).join(', ')}: remove ${users.length > 1 ? 'them' : 'it'} first`,
      );
    return this.db.run('DELETE FROM volumes WHERE name = ?', name) > 0;
  }
}
