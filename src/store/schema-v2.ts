/**
 * Migration 2: the firewall revision, a token that changes with every write to what the
 * firewall rules are planned from (networks, endpoints, published ports, links, and the
 * containers' names and configs while links exist: a link names its target). Triggers
 * change it, so no code path can forget to. It is random rather than counted: a rolled-back
 * transaction takes the database back to an older token, and a later change must never
 * reach the token a rolled-back plan was remembered under. The firewall step remembers the
 * token its rules were planned at (see firewall/iptables/rules-cache.ts): while both the
 * token and the kernel's generation id are unchanged, the live rules are exactly what the
 * records want, and one container's change can be planned from its own rows.
 */
const TOKEN = 'lower(hex(randomblob(8)))';

const bump = (name: string, event: string, when = ''): string =>
  `CREATE TRIGGER firewall_revision_${name} AFTER ${event}${when} BEGIN UPDATE firewall_revision SET token = ${TOKEN}; END;`;

const WITH_LINKS = ' WHEN EXISTS (SELECT 1 FROM links)';

export const SCHEMA_V2 = [
  'CREATE TABLE firewall_revision (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL);',
  `INSERT INTO firewall_revision (id, token) VALUES (1, ${TOKEN});`,
  ...['networks', 'endpoints', 'port_mappings', 'links'].flatMap((t) =>
    ['INSERT', 'UPDATE', 'DELETE'].map((e) => bump(`${t}_${e.toLowerCase()}`, `${e} ON ${t}`)),
  ),
  bump('containers_insert', 'INSERT ON containers', WITH_LINKS),
  bump('containers_delete', 'DELETE ON containers', WITH_LINKS),
  bump('containers_update', 'UPDATE OF name, config ON containers', WITH_LINKS),
].join('\n');
