/**
 * Finding a record the way Docker does: by exact id, then by name, then by a unique id
 * prefix. Shared by networks and containers, whose tables both have `id` and `name`.
 */
import { UsageError } from '../errors.js';
import type { Db } from './db.js';

/** Tables that can be looked up by reference. */
export type RefTable = 'networks' | 'containers';

const HEX = /^[0-9a-f]+$/;

/** The row `ref` names in `table`, or undefined. Throws a UsageError for an ambiguous prefix. */
export function findRow<R>(db: Db, table: RefTable, ref: string): R | undefined {
  const exact = db
    .prepare(`SELECT * FROM ${table} WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1`)
    .get(ref, ref, ref);
  if (exact !== undefined || !HEX.test(ref)) return exact as R | undefined;
  // ids are lowercase hex, so the prefix has no LIKE wildcards in it.
  const rows = db.prepare(`SELECT * FROM ${table} WHERE id LIKE ? || '%' LIMIT 2`).all(ref);
  if (rows.length > 1) {
    throw new UsageError(`"${ref}" matches more than one ${table.slice(0, -1)}`, 'give more of the id, or the name');
  }
  return rows[0] as R | undefined;
}

/** A fresh random id of `bytes` bytes in lowercase hex, unused in `table`. */
export function newId(db: Db, table: RefTable, bytes: number): string {
  for (;;) {
    // Web Crypto is a global: no node:crypto import on the startup path.
    const id = Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
    if (db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) === undefined) return id;
  }
}

/** The current time as stored: ISO 8601 UTC. */
export function now(): string {
  return new Date().toISOString();
}

/** Parses a JSON column, which the store itself wrote. */
export function json<T>(text: string): T {
  // Most list columns hold an empty list: no parser for those.
  if (text === '[]') return [] as T;
  return JSON.parse(text) as T;
}
