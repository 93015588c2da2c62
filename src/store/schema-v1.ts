/**
 * Migration 1: the initial schema. Addresses are stored in canonical text (see
 * model/addr.ts), times as ISO 8601 UTC text, JSON columns as text. Never edit a
 * released migration: add a new one to migrations.ts.
 */
export const SCHEMA_V1 = `
-- Bridge networks. rowid order is creation order, which the firewall planner keeps.
CREATE TABLE networks (
  id         TEXT PRIMARY KEY,                 -- short lowercase hex; names firewall chains
  name       TEXT NOT NULL UNIQUE,             -- user-facing name
  driver     TEXT NOT NULL DEFAULT 'bridge',
  bridge     TEXT NOT NULL UNIQUE,             -- bridge interface name
  subnet     TEXT NOT NULL,                    -- IPv4 CIDR, host bits clear
  gateway    TEXT NOT NULL,                    -- IPv4 address of the bridge
  ip_range   TEXT,                             -- IPv4 CIDR containers are allocated from (default: subnet)
  subnet6    TEXT,                             -- IPv6 CIDR, NULL without IPv6
  gateway6   TEXT,
  ip_range6  TEXT,
  mtu        INTEGER NOT NULL DEFAULT 1500,
  internal   INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),  -- no route out
  icc        INTEGER NOT NULL DEFAULT 1 CHECK (icc IN (0, 1)),       -- inter-container traffic
  labels     TEXT NOT NULL DEFAULT '{}',       -- JSON object of strings
  options    TEXT NOT NULL DEFAULT '{}',       -- JSON object: driver options as given (-o)
  created_at TEXT NOT NULL
);

-- Containers. config holds the run options as JSON (shape owned by runtime/).
CREATE TABLE containers (
  id          TEXT PRIMARY KEY,                -- 64 lowercase hex
  name        TEXT NOT NULL UNIQUE,
  image       TEXT NOT NULL,                   -- NAME[:TAG] as given
  state       TEXT NOT NULL DEFAULT 'created', -- created|running|restarting|exited|dead
  config      TEXT NOT NULL DEFAULT '{}',
  pid         INTEGER,                         -- init process while running
  created_at  TEXT NOT NULL,
  started_at  TEXT,
  finished_at TEXT,
  exit_code   INTEGER
);

-- Addresses handed out per network: the gateway's and each container's.
CREATE TABLE ip_allocations (
  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
  address    TEXT NOT NULL,                    -- canonical, no prefix length
  family     INTEGER NOT NULL CHECK (family IN (4, 6)),
  owner      TEXT NOT NULL,                    -- container id, or 'gateway'
  PRIMARY KEY (network_id, address)
) WITHOUT ROWID;
CREATE INDEX ip_allocations_owner ON ip_allocations(owner);

-- A container's attachment to a network. A network with endpoints cannot be deleted.
CREATE TABLE endpoints (
  container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
  network_id   TEXT NOT NULL REFERENCES networks(id),
  ifname       TEXT NOT NULL,                  -- inside the container: eth0, eth1...
  host_ifname  TEXT UNIQUE,                    -- host-side veth
  address      TEXT,                           -- IPv4, no prefix length
  address6     TEXT,
  mac          TEXT,
  aliases      TEXT NOT NULL DEFAULT '[]',     -- JSON array of DNS aliases on this network
  PRIMARY KEY (container_id, network_id),
  UNIQUE (container_id, ifname)
);
CREATE INDEX endpoints_network ON endpoints(network_id);

-- Published ports, one row per host port. 0.0.0.0 / :: mean every address of the family;
-- their overlap with a specific address on the same port and protocol is refused in code
-- (store/ports.ts), the exact triple here as well.
CREATE TABLE port_mappings (
  container_id   TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
  host_ip        TEXT NOT NULL,                -- canonical address
  host_port      INTEGER NOT NULL CHECK (host_port BETWEEN 1 AND 65535),
  container_port INTEGER NOT NULL CHECK (container_port BETWEEN 1 AND 65535),
  proto          TEXT NOT NULL CHECK (proto IN ('tcp', 'udp', 'sctp')),
  UNIQUE (host_ip, host_port, proto)
);
CREATE INDEX port_mappings_port ON port_mappings(host_port, proto);
CREATE INDEX port_mappings_container ON port_mappings(container_id);

-- Legacy --link NAME:ALIAS. The target is kept by name and resolved at start, as Docker does.
CREATE TABLE links (
  container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,
  target       TEXT NOT NULL,                  -- linked container's name
  alias        TEXT NOT NULL,
  PRIMARY KEY (container_id, alias)
);

-- ufw-style allow rules. They belong to a container name, so they survive restarts and
-- re-creation under the same name; removing the container removes them (trigger below).
CREATE TABLE allow_rules (
  id             INTEGER PRIMARY KEY,
  container_name TEXT NOT NULL,
  port           INTEGER CHECK (port BETWEEN 1 AND 65535),  -- container port; NULL: every published port
  proto          TEXT CHECK (proto IN ('tcp', 'udp', 'sctp')), -- NULL: every protocol
  from_cidr      TEXT,                         -- source CIDR; NULL: anywhere
  network        TEXT,                         -- network name; NULL: every network
  created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX allow_rules_unique ON allow_rules(
  container_name, ifnull(port, 0), ifnull(proto, ''), ifnull(from_cidr, ''), ifnull(network, ''));

-- Imported root filesystems.
CREATE TABLE images (
  name       TEXT NOT NULL,
  tag        TEXT NOT NULL DEFAULT 'latest',
  id         TEXT,                             -- content digest, when known
  path       TEXT NOT NULL,                    -- unpacked rootfs directory
  config     TEXT NOT NULL DEFAULT '{}',       -- JSON: Cmd, Entrypoint, Env, WorkingDir, User, ExposedPorts
  size       INTEGER,                          -- bytes on disk
  created_at TEXT NOT NULL,
  PRIMARY KEY (name, tag)
);

-- A removed container gives back its addresses and takes its allow rules with it.
CREATE TRIGGER containers_release AFTER DELETE ON containers BEGIN
  DELETE FROM ip_allocations WHERE owner = old.id;
  DELETE FROM allow_rules WHERE container_name = old.name;
END;
`;
