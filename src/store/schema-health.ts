/**
 * Migration: each container's health (`State.Health`): status, failing streak and the last
 * five results as JSON, and which start of the container they belong to (a restart by its
 * policy begins again at `starting`). The row goes with its container.
 */
export const SCHEMA_HEALTH = `
CREATE TABLE container_health (
  container_id   TEXT PRIMARY KEY REFERENCES containers(id) ON DELETE CASCADE,
  started_at     TEXT NOT NULL,
  status         TEXT NOT NULL,
  failing_streak INTEGER NOT NULL DEFAULT 0,
  log            TEXT NOT NULL DEFAULT '[]',
  updated_at     TEXT NOT NULL
);
`;
