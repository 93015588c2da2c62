/**
 * Allow rule records (`netctl allow`), keyed by container name. A removed container takes
 * its rules with it (the containers_release trigger).
 */
import type { AllowRule } from '../model/allow.js';
import type { PortProto } from '../model/port.js';
import type { Db } from './db.js';

interface AllowRow {
  container_name: string;
  port: number | null;
  proto: PortProto | null;
  from_cidr: string | null;
  network: string | null;
}

function toRule(r: AllowRow): AllowRule {
  return { container: r.container_name, port: r.port, proto: r.proto, from: r.from_cidr, network: r.network };
}

const MATCH = `container_name = ? AND ifnull(port, 0) = ifnull(?, 0) AND ifnull(proto, '') = ifnull(?, '')
  AND ifnull(from_cidr, '') = ifnull(?, '') AND ifnull(network, '') = ifnull(?, '')`;

function key(r: AllowRule): unknown[] {
  return [r.container, r.port, r.proto, r.from, r.network];
}

/** The tables allow rules live in: netctl's containers', and Docker's (schema 3). */
export type AllowTable = 'allow_rules' | 'docker_allow_rules';

/** Allow rule records. */
export class AllowRepo {
  constructor(
    private readonly db: Db,
    private readonly table: AllowTable = 'allow_rules',
  ) {}

  /** Records a rule; false when the same rule was already there. */
  add(r: AllowRule, now = new Date()): boolean {
    return this.db.tx(() => {
      if (this.db.prepare(`SELECT 1 FROM ${this.table} WHERE ${MATCH}`).get(...key(r))) return false;
      this.db
        .prepare(
          `INSERT INTO ${this.table} (container_name, port, proto, from_cidr, network, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(...key(r), now.toISOString());
      return true;
    });
  }

  /** Deletes exactly this rule; false when there was none. */
  remove(r: AllowRule): boolean {
    return this.db.run(`DELETE FROM ${this.table} WHERE ${MATCH}`, ...key(r)) > 0;
  }

  /**
   * One container's rules with a port among `ports` (or, with `anyPort`, every port) and a
   * source among `froms`; null lists do not filter. In the order they were made. Reads only
   * those rows: deny beside 5,000 rules of one container read and built all of them.
   */
  candidates(
    container: string,
    ports: readonly number[] | null,
    froms: readonly (string | null)[] | null,
    anyPort = false,
  ): AllowRule[] {
    const where = ['container_name = ?'];
    const args: unknown[] = [container];
    if (ports !== null) {
      const any = anyPort ? 'port IS NULL' : '0';
      where.push(ports.length === 0 ? any : `(port IN (${ports.map(() => '?').join(', ')}) OR ${any})`);
      args.push(...ports);
    }
    if (froms !== null && froms.length === 0) return [];
    if (froms !== null) {
      where.push(`ifnull(from_cidr, '') IN (${froms.map(() => '?').join(', ')})`);
      args.push(...froms.map((f) => f ?? ''));
    }
    const sql = `SELECT * FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as AllowRow[]).map(toRule);
  }

  /** Every rule, or one container's, in the order they were made. */
  list(container?: string): AllowRule[] {
    const rows =
      container === undefined
        ? this.db.prepare(`SELECT * FROM ${this.table} ORDER BY id`).all()
        : this.db.prepare(`SELECT * FROM ${this.table} WHERE container_name = ? ORDER BY id`).all(container);
    return (rows as AllowRow[]).map(toRule);
  }
}
