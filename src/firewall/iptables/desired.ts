/**
 * The rules netctl wants in one address family: a pure function of the networks and
 * published ports. With no networks it wants nothing at all, so removing the last network
 * leaves the ruleset as it was before netctl.
 *
 * The chains netctl owns (per family: iptables and ip6tables alike; <id> is a network's id).
 * Every rule carries a `netctl:` comment; the jumps from built-in chains are `netctl:jump`.
 *
 *  table   built-in chain          jumps to                what it does
 *  ------  ----------------------  ----------------------  ------------------------------------------
 *  raw     PREROUTING              NETCTL-PREROUTING       drops, before conntrack and NAT, packets to
 *                                                          127.0.0.0/8 not from lo, and to a container
 *                                                          address not from its bridge (its network's
 *                                                          cluster ranges RETURN first)
 *  nat     PREROUTING, OUTPUT      NETCTL-DNAT             published ports: DNAT host port -> container
 *          (--dst-type LOCAL)                              address:port
 *  nat     POSTROUTING             NETCTL-POSTROUTING      masquerade what leaves a network (unless
 *                                                          ip_masq=false or to a cluster range), hairpin
 *                                                          and host-loopback traffic to published ports
 *  filter  FORWARD                 NETCTL-FORWARD          dispatch: isolation first, then each
 *                                                          bridge's packets (-i/-o) to its network chain
 *  filter  NETCTL-FORWARD          NETCTL-ISOLATION-1      leaving a bridge for another interface ...
 *  filter  NETCTL-ISOLATION-1      NETCTL-ISOLATION-2      ... and entering another netctl bridge: DROP
 *                                                          (DNAT'ed connections RETURN: their ports
 *                                                          chain decides)
 *  filter  NETCTL-FORWARD          NETCTL-N-<id>           one network: established replies in, the
 *                                                          ports chain, egress out, icc on the bridge,
 *                                                          everything else towards the bridge DROP
 *  filter  NETCTL-N-<id>           NETCTL-P-<id>           published ports (new DNAT'ed connections):
 *                                                          ACCEPT, after ufw's chain when ufw decides;
 *                                                          then the `--link` openings of icc=false
 *  filter  NETCTL-P-<id>           ufw-netctl-forward      ufw's block (after.rules / after6.rules:
 *                                  (ufw6-netctl-forward)   `netctl ufw install`, owned by ufw): ufw's
 *                                                          routed chains in ufw's order decide the port
 *
 * netctl's iptables driver owns every NETCTL-* chain and every netctl-tagged rule of a
 * built-in chain (plan-owned.ts); ufw's block chain it only jumps to, and only while ufw has
 * it loaded (iptables-restore refuses a jump to a missing chain).
 */
import { ConflictError, InternalError, UsageError } from '../../errors.js';
import type { FirewallInput, NetworkRules, PortMapping } from '../input.js';
import type { Ruleset } from './ast.js';
import { filterTable, portAccepts } from './desired-filter.js';
import { dnatRules, natTable } from './desired-nat.js';
import { endpointDrops, rawTable } from './desired-raw.js';
import { linkRules } from './desired-links.js';
import { canonicalCidrOf, canonicalIpOf, familyOf, type Family } from '../../model/addr.js';
import { checkNames, netTag, networkChain, portsChain } from './plan-names.js';
import { commentOf } from './plan-owned.js';

function inFamily(net: NetworkRules, family: Family): boolean {
  const subnet = family === 4 ? net.subnet : net.subnet6;
  if (subnet === undefined) return false;
  canonicalCidrOf(subnet, family);
  return true;
}

function checkUnique(nets: readonly NetworkRules[]): void {
  const seen = new Map<string, string>();
  for (const n of nets) {
    for (const [kind, value] of [
      ['id', n.id],
      ['name', n.name],
      ['bridge', n.bridge],
    ] as const) {
      const key = `${kind} ${value}`;
      if (seen.has(key)) throw new ConflictError(`two networks with ${kind} "${value}"`);
      seen.set(key, n.id);
    }
  }
}

const PROTOS: readonly string[] = ['tcp', 'udp', 'sctp'];

function checkPort(p: PortMapping, family: Family): void {
  if (!PROTOS.includes(p.proto)) throw new UsageError(`invalid protocol "${p.proto}"`);
  for (const [what, port] of [
    ['host', p.hostPort],
    ['container', p.containerPort],
  ] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`invalid ${what} port "${port}"`);
  }
  canonicalIpOf(p.containerIp, family);
  if (p.hostIp !== undefined && familyOf(p.hostIp) !== family) {
    throw new UsageError(`host address "${p.hostIp}" and container address "${p.containerIp}" differ in family`);
  }
}

/**
 * Refuses a host port claimed twice, including an address-specific claim next to an
 * every-address one: their DNAT rules would both match, and order would decide.
 */
function checkClaims(ports: PortMapping[], family: Family): void {
  const claimed = new Set<string>();
  for (const p of ports) {
    const port = `${p.hostPort}/${p.proto}`;
    const addr = p.hostIp === undefined ? '*' : canonicalIpOf(p.hostIp, family);
    const clash =
      claimed.has(`${addr} ${port}`) || claimed.has(`* ${port}`) || (addr === '*' && claimed.has(`some ${port}`));
    if (clash) throw new ConflictError(`host port ${port}${addr === '*' ? '' : ` on ${addr}`} is already published`);
    claimed.add(`${addr} ${port}`).add(`some ${port}`);
  }
}

/** This family's ports, checked. */
function familyPorts(ports: readonly PortMapping[], nets: NetworkRules[], family: Family): PortMapping[] {
  const byId = new Map(nets.map((n) => [n.id, n]));
  const out = ports.filter((p) => familyOf(p.containerIp) === family);
  for (const p of out) {
    checkPort(p, family);
    const net = byId.get(p.network);
    const what = `port ${p.hostPort}/${p.proto} published on network "${p.network}"`;
    if (!net) throw new InternalError(`${what}, unknown or without an IPv${family} subnet`);
    if (net.internal) throw new InternalError(`${what}, which is internal`);
  }
  checkClaims(out, family);
  return out;
}

/**
 * The owned rules netctl wants for `family`: the filter and nat tables with only netctl's
 * chains declared, and its jumps as rules of the built-in chains. Throws on names or
 * addresses that cannot safely go into a rule.
 *
 * Networks and ports keep the caller's order. Pass them in creation order: then a new
 * network's or port's rules land at the end of the shared chains, and `diff` can append
 * them instead of rewriting those chains.
 */
export function desired(input: FirewallInput, family: Family): Ruleset {
  input.networks.forEach(checkNames);
  checkUnique(input.networks);
  const nets = input.networks.filter((n) => inFamily(n, family));
  const ports = familyPorts(input.ports ?? [], nets, family);
  const filter = filterTable(nets, ports, family, input.ufw ?? false);
  filter.rules.push(...linkRules(nets, input.links ?? [], family));
  const tables = [filter, natTable(nets, ports, family), rawTable(nets, input.endpoints ?? [], family)];
  return { family, tables: tables.filter((t) => t.chains.length > 0 || t.rules.length > 0) };
}

/**
 * The rules that the containers of `input` (its ports and endpoints; its networks are all
 * of them, unchanged) add to what the networks alone want: the accepts of their published
 * ports, their DNATs and the raw drops guarding their addresses, each table's rules in
 * the order `desired` puts them in their chains. Those are the only rules a container adds
 * (links aside), so with the container's rows the newest, `desired` of everything is the
 * rest with these at the end of their chains; without them, the rest less these.
 */
export function containerRules(input: FirewallInput, family: Family): Ruleset {
  const nets = input.networks.filter((n) => inFamily(n, family));
  const ports = familyPorts(input.ports ?? [], nets, family);
  const tables = [
    { name: 'filter', chains: [], rules: portAccepts(nets, ports, family, input.ufw ?? false) },
    { name: 'nat', chains: [], rules: dnatRules(nets, ports, family) },
    { name: 'raw', chains: [], rules: endpointDrops(nets, input.endpoints ?? [], family) },
  ];
  return { family, tables: tables.filter((t) => t.rules.length > 0) };
}

/**
 * The rules and chains one network (the only one of `input`, with no ports or endpoints)
 * adds to what the other networks want: its own chains, and the rules tagged with its name
 * in the shared chains, each at the end of its chain as `desired` orders them (networks in
 * creation order, the shared rules first). Empty tables when the network has no subnet of
 * `family`. The shared rules themselves (jumps, isolation, loopback) are left out: they are
 * there while any network is, so this is the change only while another network remains.
 */
export function networkRules(input: FirewallInput, family: Family): Ruleset {
  const [net, ...others] = input.networks;
  if (!net || others.length > 0 || (input.ports ?? []).length > 0 || (input.endpoints ?? []).length > 0)
    throw new InternalError('networkRules: one network, without ports or endpoints');
  const all = desired({ networks: [net] }, family);
  const tag = netTag(net.name);
  const own = (chain: string): boolean => chain === networkChain(net.id) || chain === portsChain(net.id);
  const tables = all.tables.map((t) => ({
    name: t.name,
    chains: t.chains.filter((c) => own(c.name)),
    rules: t.rules.filter((r) => own(r.chain) || commentOf(r) === tag),
  }));
  return { family, tables: tables.filter((t) => t.chains.length > 0 || t.rules.length > 0) };
}
