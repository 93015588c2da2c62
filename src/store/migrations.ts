/**
 * Schema versions. `PRAGMA user_version` records the last migration applied; each
 * migration runs in its own IMMEDIATE transaction and re-checks the version under the
 * write lock, so concurrent first runs apply it once.
 */
import type Database from 'better-sqlite3';
import { InternalError, SystemError } from '../errors.js';
import { SCHEMA_V1 } from './schema-v1.js';
import { SCHEMA_V2 } from './schema-v2.js';
import { SCHEMA_V3 } from './schema-v3.js';
import { SCHEMA_VOLUMES } from './schema-volumes.js';
import { SCHEMA_JOURNAL } from './schema-journal.js';
import { SCHEMA_HEALTH } from './schema-health.js';
import { SCHEMA_BUILD_CACHE } from './schema-build-cache.js';
import { SCHEMA_ENDPOINT_EXTRA } from './schema-endpoint-extra.js';
import { SCHEMA_POD_ALLOWS } from './schema-pod-allows.js';

/** One schema change. */
export interface Migration {
  /** The user_version it leads to: 1, 2, 3... in order. */
  version: number;
  description: string;
  /** SQL text, or a function for changes that need code. */
  up: string | ((db: Database.Database) => void);
}

/** Every migration, oldest first. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'initial schema', up: SCHEMA_V1 },
  { version: 2, description: 'firewall revision token', up: SCHEMA_V2 },
  { version: 3, description: 'allow rules of Docker containers', up: SCHEMA_V3 },
  { version: 4, description: 'volumes and their users', up: SCHEMA_VOLUMES },
  { version: 5, description: 'the last committed transaction, for the journal', up: SCHEMA_JOURNAL },
  { version: 6, description: 'container health (health checks)', up: SCHEMA_HEALTH },
  { version: 7, description: 'the build cache: step keys to the images they made', up: SCHEMA_BUILD_CACHE },
  { version: 8, description: "endpoints' link-local addresses", up: SCHEMA_ENDPOINT_EXTRA },
  { version: 9, description: "Kubernetes pods' allow rules outlive their sandboxes", up: SCHEMA_POD_ALLOWS },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database's schema version. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the schema up to date; refuses a database written by a newer netctl. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const latest = migrations.length;
  const current = schemaVersion(db);
  if (current === latest) return;
  if (current > latest) {
    throw new SystemError(`the state database has schema version ${current}, newer than this netctl's ${latest}`, {
      hint: 'use the netctl version that wrote it, or a newer one',
    });
  }
  for (const [i, m] of migrations.entries()) {
    if (m.version !== i + 1) throw new InternalError(`migration ${i + 1} is numbered ${m.version}`);
    if (m.version <= current) continue;
    const step = db.transaction(() => {
      if (schemaVersion(db) >= m.version) return;
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.pragma(`user_version = ${m.version}`);
    });
    step.immediate();
  }
}
