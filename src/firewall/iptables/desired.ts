/**
 * The rules netctl wants in one address family: a pure function of the networks and
 * published ports. With no networks it wants nothing at all, so removing the last network
 * leaves the ruleset as it was before netctl.
 */
import { ConflictError, InternalError, UsageError } from '../../errors.js';
import type { FirewallInput, NetworkRules, PortMapping } from '../input.js';
import type { Ruleset } from './ast.js';
import { filterTable } from './desired-filter.js';
import { natTable } from './desired-nat.js';
import { canonicalCidr, canonicalIp, familyOf, type Family } from './plan-addr.js';
import { checkNames } from './plan-names.js';

function inFamily(net: NetworkRules, family: Family): boolean {
  const subnet = family === 4 ? net.subnet : net.subnet6;
  if (subnet === undefined) return false;
  canonicalCidr(subnet, family);
  return true;
}

// Name order keeps the shared chains stable however the caller lists the networks.
function byName(a: NetworkRules, b: NetworkRules): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function checkUnique(nets: NetworkRules[]): void {
  const seen = new Map<string, string>();
  for (const n of nets) {
    for (const [kind, value] of [['id', n.id], ['name', n.name], ['bridge', n.bridge]] as const) {
      const key = `${kind} ${value}`;
      if (seen.has(key)) throw new ConflictError(`two networks with ${kind} "${value}"`);
      seen.set(key, n.id);
    }
  }
}

function checkPort(p: PortMapping, family: Family): void {
  for (const [what, port] of [['host', p.hostPort], ['container', p.containerPort]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`invalid ${what} port "${port}"`);
  }
  canonicalIp(p.containerIp, family);
  if (p.hostIp !== undefined && familyOf(p.hostIp) !== family) {
    throw new UsageError(`host address "${p.hostIp}" and container address "${p.containerIp}" differ in family`);
  }
}

function portKey(p: PortMapping): string {
  return `${p.proto} ${p.hostIp === undefined ? '*' : canonicalIp(p.hostIp, familyOf(p.hostIp))} ${p.hostPort}`;
}

/** This family's ports, grouped by network id and sorted; refuses a host binding claimed twice. */
function groupPorts(ports: PortMapping[], nets: NetworkRules[], family: Family): Map<string, PortMapping[]> {
  const byId = new Map(nets.map((n) => [n.id, n]));
  const out = new Map<string, PortMapping[]>();
  const claimed = new Set<string>();
  for (const p of ports) {
    if (familyOf(p.containerIp) !== family) continue;
    checkPort(p, family);
    const net = byId.get(p.network);
    if (!net) throw new InternalError(`port ${p.hostPort}/${p.proto} published on network "${p.network}", unknown or without an IPv${family} subnet`);
    if (net.internal) throw new InternalError(`port ${p.hostPort}/${p.proto} published on internal network "${net.name}"`);
    const key = portKey(p);
    if (claimed.has(key)) throw new ConflictError(`host port ${p.hostPort}/${p.proto} is published twice`);
    claimed.add(key);
    out.set(p.network, [...(out.get(p.network) ?? []), p]);
  }
  for (const list of out.values()) list.sort((a, b) => (portKey(a) < portKey(b) ? -1 : 1));
  return out;
}

/**
 * The owned rules netctl wants for `family`: the filter and nat tables with only netctl's
 * chains declared, and its jumps as rules of the built-in chains. Throws on names or
 * addresses that cannot safely go into a rule.
 */
export function desired(input: FirewallInput, family: Family): Ruleset {
  input.networks.forEach(checkNames);
  checkUnique(input.networks);
  const nets = input.networks.filter((n) => inFamily(n, family)).sort(byName);
  const ports = groupPorts(input.ports ?? [], nets, family);
  const tables = [filterTable(nets, ports, family), natTable(nets, ports, family)];
  return { family, tables: tables.filter((t) => t.chains.length > 0 || t.rules.length > 0) };
}
