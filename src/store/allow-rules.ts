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

  /** Every rule, or one container's, in the order they were made. */
  list(container?: string): AllowRule[] {
    const rows =
      container === undefined
        ? this.db.prepare(`SELECT * FROM ${this.table} ORDER BY id`).all()
        : this.db.prepare(`SELECT * FROM ${this.table} WHERE container_name = ? ORDER BY id`).all(container);
    return (rows as AllowRow[]).map(toRule);
  }
}
