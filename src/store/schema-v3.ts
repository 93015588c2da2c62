/**
 * Migration 3: allow rules for Docker's containers (`netctl allow NAME` where NAME is a
 * Docker container). Like netctl's own they belong to the container's name, so a container
 * recreated under the same name (`docker compose down && up`) gets them again; unlike
 * them nothing removes them when the container goes (Docker's containers are not
 * netctl's records): they stay until `netctl deny`, and make no ufw rule while no
 * container has the name.
 */
export const SCHEMA_V3 = `
CREATE TABLE docker_allow_rules (
  id             INTEGER PRIMARY KEY,
  container_name TEXT NOT NULL,
  port           INTEGER CHECK (port BETWEEN 1 AND 65535),
  proto          TEXT CHECK (proto IN ('tcp', 'udp')),
  from_cidr      TEXT,
  network        TEXT,
  created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX docker_allow_rules_unique ON docker_allow_rules(
  container_name, ifnull(port, 0), ifnull(proto, ''), ifnull(from_cidr, ''), ifnull(network, ''));
`;
