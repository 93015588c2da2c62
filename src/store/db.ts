/**
 * The state database connection: one SQLite file in WAL mode under the state root, with a
 * busy timeout so concurrent commands wait for each other instead of failing, writes
 * serialized by BEGIN IMMEDIATE, and prepared statements cached for the process's life.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { privateDbFiles } from './file-modes.js';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { InternalError, NetctlError, SystemError, wrap } from '../errors.js';
import { migrate } from './migrations.js';

// require() loads the CommonJS package about 4 ms faster than import() would, and naming
// the addon file skips the `bindings` package's search for it. It is loaded on the first
// open (~10 ms), not with this module: every command's host context imports the store, and
// some commands (sandbox, demo, ufw and docker install) never open it.
const require = createRequire(import.meta.url);
let loaded: typeof BetterSqlite3 | undefined;
function sqlite(): typeof BetterSqlite3 {
  loaded ??= require('better-sqlite3') as typeof BetterSqlite3;
  return loaded;
}
const ADDON = (() => {
  try {
    const path = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
})();

/** Where state lives when neither `--root` nor `NETCTL_ROOT` says otherwise. */
export const DEFAULT_ROOT = '/var/lib/netctl';

/** The database file's name inside the root. */
export const DB_FILE = 'netctl.db';

/** How long a command waits for another one's write transaction, in milliseconds. */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * How long a command that changes the kernel waits in all for the write lock, in retries of
 * the busy timeout each (Db.locked), before it gives up.
 */
export const LOCK_WAIT_MS = 120_000;

/** Options for opening the database. */
export interface OpenOptions {
  /** State directory; created (mode 0700) if missing. Default /var/lib/netctl. */
  root?: string;
  /** Busy timeout in milliseconds; default BUSY_TIMEOUT_MS. */
  busyTimeoutMs?: number;
}

type Runner = ((fn: () => unknown) => unknown) & { immediate: (fn: () => unknown) => unknown };

function isThenable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Turns a SQLite failure into a netctl error; leaves netctl errors alone. */
export function translateSqlError(err: unknown, path: string): unknown {
  // Without the package loaded no database was opened: the error cannot be SQLite's.
  if (err instanceof NetctlError || !loaded || !(err instanceof loaded.SqliteError)) return err;
  if (err.code.startsWith('SQLITE_BUSY')) {
    return new SystemError(`database "${path}" is locked by another netctl command`, {
      hint: 'retry when the other command has finished',
      cause: err,
    });
  }
  return wrap('database', path, err);
}

/** An open state database. */
export class Db {
  /** The better-sqlite3 connection; only src/store/ uses it. */
  readonly sql: BetterSqlite3.Database;
  /** Path of the database file. */
  readonly path: string;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly runner: Runner;

  constructor(sql: BetterSqlite3.Database, path: string) {
    this.sql = sql;
    this.path = path;
    this.runner = sql.transaction((fn: () => unknown) => {
      const result = fn();
      // better-sqlite3 would commit before the promise settles; refuse (and roll back).
      if (isThenable(result)) throw new InternalError('a database transaction function returned a promise');
      return result;
    }) as unknown as Runner;
  }

  /** A prepared statement, compiled once per connection. */
  prepare(source: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(source);
    if (!stmt) {
      stmt = this.sql.prepare(source);
      this.statements.set(source, stmt);
    }
    return stmt;
  }

  /**
   * Runs `fn` in a write transaction (BEGIN IMMEDIATE, so writers queue up for the busy
   * timeout instead of failing half-way); commits when it returns, rolls back when it
   * throws. Nested calls become savepoints. `fn` must be synchronous.
   */
  tx<T>(fn: () => T): T {
    try {
      return this.runner.immediate(fn) as T;
    } catch (err) {
      throw translateSqlError(err, this.path);
    }
  }

  /**
   * Holds the write lock for a whole command that also changes the kernel: BEGIN IMMEDIATE
   * (other commands queue behind it for the busy timeout), then `fn` with its awaits —
   * repository calls inside become savepoints — then COMMIT, or ROLLBACK when `fn` throws.
   * A process killed inside leaves the database as it was before.
   */
  async locked<T>(fn: () => Promise<T>): Promise<T> {
    if (this.sql.inTransaction) return fn();
    await this.beginImmediate();
    try {
      const result = await fn();
      this.sql.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.sql.inTransaction) this.sql.exec('ROLLBACK');
      throw err;
    }
  }

  /**
   * BEGIN IMMEDIATE, retried for up to LOCK_WAIT_MS: each try waits the busy timeout, and
   * many commands started together (50 `run -d`) queue longer than one timeout in all.
   */
  private async beginImmediate(): Promise<void> {
    const until = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        this.sql.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        const busy = loaded !== undefined && err instanceof loaded.SqliteError && err.code.startsWith('SQLITE_BUSY');
        if (!busy || Date.now() > until) throw translateSqlError(err, this.path);
      }
      // Off the JS thread between tries, a few ms apart so that the tries do not march together.
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  }

  /** Runs one writing statement in its own transaction; returns its changes count. */
  run(source: string, ...params: unknown[]): number {
    return this.tx(() => this.prepare(source).run(...params).changes);
  }

  /** Closes the connection; the Db must not be used afterwards. */
  close(): void {
    this.statements.clear();
    if (this.sql.open) this.sql.close();
  }
}

/**
 * Switches a connection to WAL. The switch takes an exclusive lock, and SQLite answers
 * SQLITE_BUSY at once, without its busy handler, when several processes open a fresh
 * database together: retry until the busy timeout.
 */
function enableWal(sql: BetterSqlite3.Database, timeoutMs: number): void {
  const end = Date.now() + timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      sql.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if (!(err instanceof sqlite().SqliteError && err.code.startsWith('SQLITE_BUSY')) || Date.now() > end) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
    }
  }
}

/** Opens (creating and migrating as needed) the database under `opts.root`. */
export function openDb(opts: OpenOptions = {}): Db {
  const root = opts.root ?? DEFAULT_ROOT;
  const path = join(root, DB_FILE);
  let sql: BetterSqlite3.Database | undefined;
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    privateDbFiles(path);
    sql = new (sqlite())(path, {
      timeout: opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS,
      ...(ADDON && { nativeBinding: ADDON }),
    });
    // WAL lets readers run beside the one writer; NORMAL syncs at checkpoints only, which
    // WAL keeps consistent after a crash (the last commits may be lost, never half of one).
    enableWal(sql, opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
    sql.pragma('synchronous = NORMAL');
    sql.pragma('foreign_keys = ON');
    migrate(sql);
    return new Db(sql, path);
  } catch (err) {
    sql?.close();
    if (err instanceof NetctlError) throw err;
    if (loaded && err instanceof loaded.SqliteError && err.code.startsWith('SQLITE_BUSY'))
      throw translateSqlError(err, path);
    throw wrap('open database', path, err);
  }
}
