/**
 * Container health records, written by the health runner (src/health/) and read by ps,
 * inspect, the TUI and compose's waits.
 */
import type { HealthState, HealthStatus } from '../model/health-state.js';
import type { Db } from './db.js';
import { now } from './lookup.js';

interface HealthRow {
  container_id: string;
  started_at: string;
  status: string;
  failing_streak: number;
  log: string;
}

/** A stored health state and the container start (`StartedAt`) it belongs to. */
export interface StoredHealth {
  startedAt: string;
  state: HealthState;
}

/** Health records, one per container with a check. */
export class HealthRepo {
  constructor(private readonly db: Db) {}

  /** The container's stored health, or undefined. */
  get(containerId: string): StoredHealth | undefined {
    const r = this.db.prepare('SELECT * FROM container_health WHERE container_id = ?').get(containerId) as
      | HealthRow
      | undefined;
    if (!r) return undefined;
    return {
      startedAt: r.started_at,
      state: { Status: r.status as HealthStatus, FailingStreak: r.failing_streak, Log: JSON.parse(r.log) },
    };
  }

  /** Records the health of the container's start `startedAt` (insert or replace). */
  put(containerId: string, startedAt: string, s: HealthState): void {
    this.db
      .prepare(
        `INSERT INTO container_health (container_id, started_at, status, failing_streak, log, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(container_id) DO UPDATE SET started_at = excluded.started_at, status = excluded.status,
           failing_streak = excluded.failing_streak, log = excluded.log, updated_at = excluded.updated_at`,
      )
      .run(containerId, startedAt, s.Status, s.FailingStreak, JSON.stringify(s.Log), now());
  }
}
