/**
 * The allow policy, once for netctl's containers, Docker's and compose services: what a port
 * and a source may be (`80`, `80/tcp`, `53/udp`; `203.0.113.1`, `2001:db8::/32`), which
 * published ports a rule selects, and when a rule is refused because it would open nothing.
 * Pure: the consumers bring what the container publishes. Every refusal is one line that
 * names the bad value.
 */
import { NotFoundError, UsageError } from '../errors.js';
import { bitsOf, canonicalIp, formatCidr, parseCidr } from './addr.js';
import type { AllowRule } from './allow.js';
import { describeAllow } from './allow.js';
import { checkPort } from './port.js';

/** What `netctl allow` / `deny` ask for (the CLI, the TUI and ops build it). */
export interface AllowRequest {
  name: string;
  /** `80`, `80/tcp`, `53/udp`, one or several; absent or empty: every published port. */
  ports?: readonly string[];
  /** Sources; empty: anywhere. */
  from: readonly string[];
  network?: string;
}

/** One port as an allow rule takes it: only tcp and udp, which ufw route rules can match. */
export interface PortArg {
  port: number;
  proto: 'tcp' | 'udp' | null;
}

/** A port a container publishes, as a rule selects it; fields left out are not compared. */
export interface PortTarget {
  port: number;
  proto: 'tcp' | 'udp' | 'sctp';
  /** The network's name (netctl's containers: each mapping is on one network). */
  network?: string;
  /** Whether the mapping is IPv6 (netctl's containers: a source keeps to its family). */
  v6?: boolean;
  /** The host port it is published on (for reading `allow web 8080` with `-p 8080:80`). */
  hostPort?: number;
}

/** Why a source list given on purpose but empty (often an unset variable) opens nothing. */
export const EMPTY_SOURCES = 'is empty: nothing opened (leave it out to open to anywhere)';

/** `80/tcp` → port and protocol. */
export function parsePortArg(text: string): PortArg {
  const m = /^(\d{1,5})(?:\/([a-z]+))?$/.exec(text);
  if (!m) throw new UsageError(`invalid port "${text}": expected PORT or PORT/tcp or PORT/udp`);
  const proto = m[2] ?? null;
  if (proto !== null && proto !== 'tcp' && proto !== 'udp') {
    throw new UsageError(
      `invalid port "${text}": ufw route rules match tcp or udp${proto === 'sctp' ? ', not sctp' : ''}`,
    );
  }
  return { port: checkPort(Number(m[1]), 'port'), proto };
}

/** A source as ufw writes it: `203.0.113.1` for one address, `203.0.113.0/24` for a block. */
export function canonicalSource(text: string): string {
  if (text.trim() === '') throw new UsageError(`source ${EMPTY_SOURCES}`);
  if (!text.includes('/')) return canonicalIp(text, 'source address (--from)');
  const c = parseCidr(text, 'source (--from)');
  const s = formatCidr(c);
  return c.prefix === bitsOf(c.family) ? s.slice(0, s.indexOf('/')) : s;
}

/** Sources, canonical and without repeats; `[null]` (anywhere) when none is given. */
export function canonicalSources(texts: readonly string[]): (string | null)[] {
  return texts.length === 0 ? [null] : [...new Set(texts.map(canonicalSource))];
}

/** Ports, parsed and without repeats; `[null]` (every published port) when none is given. */
export function parsePorts(texts: readonly string[] | undefined): (PortArg | null)[] {
  if (!texts || texts.length === 0) return [null];
  const seen = new Set<string>();
  return texts.map(parsePortArg).filter((p) => !seen.has(`${p.port}/${p.proto}`) && seen.add(`${p.port}/${p.proto}`));
}

/** The ports of a request (see parsePorts). */
export function requestPorts(req: Pick<AllowRequest, 'ports'>): (PortArg | null)[] {
  return parsePorts(req.ports);
}

/** The allow rules of ports and sources on container `name`: one per port and source. */
export function rulesOf(
  name: string,
  ports: readonly (PortArg | null)[],
  sources: readonly (string | null)[],
  network: string | null = null,
): AllowRule[] {
  return ports.flatMap((pp) =>
    sources.map((from) => ({ container: name, port: pp?.port ?? null, proto: pp?.proto ?? null, from, network })),
  );
}

/** The allow rules of a request on container `name`. */
export function rulesOfRequest(name: string, req: AllowRequest): AllowRule[] {
  return rulesOf(name, requestPorts(req), canonicalSources(req.from), req.network ?? null);
}

/** Whether a rule selects a published port (sctp never: ufw has no sctp rules). */
export function selects(a: AllowRule, t: PortTarget): boolean {
  if (t.proto === 'sctp') return false;
  if (a.port !== null && t.port !== a.port) return false;
  if (a.proto !== null && t.proto !== a.proto) return false;
  if (a.network !== null && t.network !== undefined && t.network !== a.network) return false;
  if (a.from !== null && t.v6 !== undefined && a.from.includes(':') !== t.v6) return false;
  return true;
}

/** `port 80/tcp`, `any tcp or udp port`: what a rule asks to open, for messages. */
export function portWhat(r: Pick<AllowRule, 'port' | 'proto'>): string {
  return r.port === null ? 'any tcp or udp port' : `port ${r.port}${r.proto ? `/${r.proto}` : ''}`;
}

/**
 * Refuses a rule that would open nothing on `published`: no port it selects (a
 * NotFoundError, `published port "web port 81" not found`, the hint from `hint`), or only
 * in the other family than its source's.
 */
export function refuseUnpublished(
  rule: AllowRule,
  published: readonly PortTarget[],
  hint: (what: string) => string,
): void {
  if (published.some((t) => selects(rule, t))) return;
  const what = portWhat(rule);
  if (!published.some((t) => selects({ ...rule, from: null }, t)))
    throw new NotFoundError('published port', `${rule.container} ${what}`, hint(what));
  const v6 = rule.from?.includes(':') === true;
  throw new UsageError(
    `source "${rule.from}" is IPv${v6 ? 6 : 4}, but "${rule.container}" publishes ${what} only over IPv${v6 ? 4 : 6}`,
  );
}

/** Whether stored rule `s` is one that `deny` of asked rule `a` removes (left-out fields match anything). */
export function denyMatches(a: AllowRule, s: AllowRule, req: Pick<AllowRequest, 'from'>): boolean {
  if (a.port !== null && s.port !== a.port) return false;
  if (a.proto !== null && s.proto !== null && s.proto !== a.proto) return false;
  if (req.from.length > 0 && s.from !== a.from) return false;
  if (a.network !== null && s.network !== a.network) return false;
  return true;
}

/**
 * What deny removes: the stored rules that some asked rule matches. Every port asked must
 * match one (all or nothing), else a NotFoundError naming the first that does not.
 */
export function denied(stored: readonly AllowRule[], asked: readonly AllowRule[], req: AllowRequest): AllowRule[] {
  const gone = stored.filter((s) => asked.some((a) => denyMatches(a, s, req)));
  for (const pp of requestPorts(req)) {
    const of = asked.filter((a) => a.port === (pp?.port ?? null) && a.proto === (pp?.proto ?? null));
    if (!of.some((a) => gone.some((s) => denyMatches(a, s, req)))) {
      throw new NotFoundError('allow rule', describeAllow(of[0]!), `see netctl ufw list ${of[0]!.container}`);
    }
  }
  return gone;
}

/** Rules without repeats, in order. */
export function uniqueRules(rules: readonly AllowRule[]): AllowRule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const k = JSON.stringify([r.container, r.port, r.proto, r.from, r.network]);
    return !seen.has(k) && seen.add(k) !== undefined;
  });
}
