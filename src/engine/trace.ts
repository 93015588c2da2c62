/**
 * `netctl trace`: which rules a new connection to HOSTIP:PORT meets, in the live ruleset,
 * and which one decides it — the DNAT of a published port, isolation, the ufw route rules
 * and policy — named with the container and network it is for.
 */
import { networkInterfaces } from 'node:os';
import type { Store } from '../store/index.js';
import { readRuleset } from '../firewall/iptables/apply.js';
import type { Runner } from '../sys/exec.js';
import { UsageError } from '../errors.js';
import { canonicalIp, contains, parseCidr, parseIp } from '../model/addr.js';
import { dnatTarget, walk, type ChainResult, type Packet } from '../firewall/trace/packet-eval.js';

/** What to trace. */
export interface TraceRequest {
  /** `HOSTIP:PORT` or `[HOSTIP6]:PORT`. */
  target: string;
  from: string;
  proto: string;
}

/** The whole walk. */
export interface TraceReport {
  packet: Packet;
  nat: ChainResult;
  /** Where DNAT sent it, and to whom. */
  dnat?: { ip: string; port: number; container?: string; network?: string; bridge?: string };
  /** The filter chain it went through: FORWARD (to a container) or INPUT (to the host). */
  chain: 'FORWARD' | 'INPUT';
  filter: ChainResult;
  verdict: string;
  hint?: string;
}

/** `10.0.0.1:80` / `[fd00::1]:80` into address and port. */
export function parseTarget(text: string): { ip: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || !(port >= 1 && port <= 65535))
    throw new UsageError(`invalid target "${text}": expected HOSTIP:PORT or [HOSTIP6]:PORT`);
  return { ip: canonicalIp(m[1]!, 'target address'), port };
}

function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) out.add(canonicalIp(a.address.split('%')[0]!));
  return out;
}

/** Follows the packet through nat PREROUTING, then filter FORWARD or INPUT. */
export async function trace(store: Store, runner: Runner, req: TraceRequest): Promise<TraceReport> {
  const { ip, port } = parseTarget(req.target);
  const from = canonicalIp(req.from, 'source address (--from)');
  if (!['tcp', 'udp', 'sctp'].includes(req.proto))
    throw new UsageError(`invalid protocol "${req.proto}": expected tcp, udp or sctp`);
  const family = parseIp(ip).family;
  if (parseIp(from).family !== family)
    throw new UsageError(`source "${from}" and target "${ip}" are of different address families`);
  const rs = await readRuleset(runner, family);
  const local = localAddresses();
  const packet: Packet = {
    src: from,
    dst: ip,
    proto: req.proto,
    dport: port,
    ctstate: ['NEW'],
    dstLocal: local.has(ip),
  };
  const nat = walk(rs, 'nat', 'PREROUTING', packet);
  const after: Packet = { ...packet };
  let dnat: TraceReport['dnat'];
  const to = nat.verdict === 'DNAT' && nat.rule ? dnatTarget(nat.rule) : undefined;
  if (to) {
    after.dst = canonicalIp(to.ip);
    after.dport = to.port ?? port;
    after.ctstate = ['NEW', 'DNAT'];
    after.dstLocal = local.has(after.dst);
    dnat = { ip: after.dst, port: after.dport, ...owner(store, after.dst) };
  }
  const net = store.networks
    .list()
    .find((n) =>
      [n.subnet, n.subnet6].some((s) => s !== undefined && s !== null && contains(parseCidr(s), parseIp(after.dst))),
    );
  if (net) after.out = net.bridge;
  const chain = after.dstLocal && !net ? 'INPUT' : 'FORWARD';
  const filter = walk(rs, 'filter', chain, after);
  const report: TraceReport = { packet, nat, ...(dnat ? { dnat } : {}), chain, filter, verdict: filter.verdict };
  const hint = hintFor(report, req.proto);
  return hint ? { ...report, hint } : report;
}

function owner(store: Store, ip: string): { container?: string; network?: string; bridge?: string } {
  const ep = store.endpoints.all().find((e) => e.address === ip || e.address6 === ip);
  if (!ep) return {};
  const c = store.containers.list({ all: true }).find((x) => x.id === ep.containerId);
  const n = store.networks.list().find((x) => x.id === ep.networkId);
  return { ...(c ? { container: c.name } : {}), ...(n ? { network: n.name, bridge: n.bridge } : {}) };
}

function hintFor(r: TraceReport, proto: string): string | undefined {
  if (r.verdict === 'ACCEPT') return undefined;
  const viaUfw = r.filter.hits.some((h) => h.chain.includes('netctl-forward'));
  if (r.dnat?.container && viaUfw)
    return `netctl allow ${r.dnat.container} ${r.dnat.port}/${proto} opens it (add --from ${r.packet.src} for this source only)`;
  if (!r.dnat && r.chain === 'INPUT')
    return "nothing is published on this address and port: the host itself (ufw's input rules) decides";
  return undefined;
}
