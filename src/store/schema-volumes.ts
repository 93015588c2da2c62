/**
 * Migration: volumes, and which containers use which. A volume in use cannot be deleted
 * (the foreign key restricts it); a container's rows go with it (cascade), so what uses a
 * volume is always what exists.
 */
export const SCHEMA_VOLUMES = `
CREATE TABLE volumes (
  name       TEXT PRIMARY KEY,
  driver     TEXT NOT NULL DEFAULT 'local',
  options    TEXT NOT NULL DEFAULT '{}',
  labels     TEXT NOT NULL DEFAULT '{}',
  anonymous  INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE volume_users (
  volume       TEXT NOT NULL REFERENCES volumes(name) ON DELETE RESTRICT,
  container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
  target       TEXT NOT NULL,
  PRIMARY KEY (container_id, target)
);
CREATE INDEX volume_users_volume ON volume_users(volume);
`;
