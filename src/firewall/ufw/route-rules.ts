/**
 * The ufw route rules netctl makes for `netctl allow`, in ufw's own file format: a
 * `### tuple ###` line (what `ufw status` and `ufw delete` read) and the iptables rule ufw
 * would generate for it, byte for byte as `ufw route allow` writes them to user.rules.
 *
 * Each rule carries a comment naming netctl, the container, the port and the network, so
 * netctl recognizes its own rules and leaves everybody else's alone.
 */
import { ufwFamily } from './names.js';
import type { Family } from '../../model/addr.js';

/** One `ufw route allow proto P [from SRC] to IP port N comment '...'`. */
export interface RouteRule {
  family: Family;
  proto: 'tcp' | 'udp';
  /** The container's address. */
  to: string;
  /** The container port. */
  port: number;
  /** Canonical source (`203.0.113.1`, `203.0.113.0/24`); null: anywhere. */
  from: string | null;
  /** Plain text; starts with `netctl:`. */
  comment: string;
}

/** The prefix of every comment netctl writes. */
export const ROUTE_COMMENT_PREFIX = 'netctl:';

/** `netctl:web 80/tcp net=frontend`. */
export function routeComment(container: string, port: number, proto: string, network: string): string {
  return `${ROUTE_COMMENT_PREFIX}${container} ${port}/${proto} net=${network}`;
}

/** What a netctl comment names, or null for someone else's comment. */
export function parseRouteComment(
  comment: string,
): { container: string; port: number; proto: string; network: string } | null {
  const m = /^netctl:(\S+) (\d+)\/(tcp|udp) net=(\S+)$/.exec(comment);
  return m ? { container: m[1]!, port: Number(m[2]), proto: m[3]!, network: m[4]! } : null;
}

// A container's few comments come back on every one of its routes (5,000 routes, 50
// comments): each is encoded and decoded once per process.
const hexes = new Map<string, string>();
const texts = new Map<string, string>();

function remember(m: Map<string, string>, k: string, v: string): string {
  if (m.size >= 10_000) m.clear();
  m.set(k, v);
  return v;
}

/** ufw stores comments hex-encoded (UTF-8 bytes). */
export function hexComment(text: string): string {
  return hexes.get(text) ?? remember(hexes, text, Buffer.from(text, 'utf8').toString('hex'));
}

function fromHex(hex: string): string {
  return texts.get(hex) ?? remember(texts, hex, Buffer.from(hex, 'hex').toString('utf8'));
}

/** The comment of a tuple line, decoded; '' when it has none or it is not hex. */
export function tupleComment(tupleLine: string): string {
  const at = tupleLine.indexOf(' comment=');
  if (at < 0) return '';
  const hex = tupleLine.slice(at + ' comment='.length).trim();
  return /^(?:[0-9a-f]{2})+$/i.test(hex) ? fromHex(hex) : '';
}

function anySource(family: Family): string {
  return family === 4 ? '0.0.0.0/0' : '::/0';
}

/** The tuple line, as ufw writes it for this rule. */
export function tupleLine(r: RouteRule): string {
  return `### tuple ### route:allow ${r.proto} ${r.port} ${r.to} any ${r.from ?? anySource(r.family)} in comment=${hexComment(r.comment)}`;
}

/** The iptables rule ufw generates for it (ufw's own option order). */
export function iptablesLine(r: RouteRule): string {
  const src = r.from === null ? '' : ` -s ${r.from}`;
  return `-A ${ufwFamily(r.family).prefix}-user-forward -p ${r.proto} -d ${r.to} --dport ${r.port}${src} -j ACCEPT`;
}

/** The `ufw route allow` argv that makes the same rule (for messages and tests). */
export function ufwArgv(r: RouteRule): string[] {
  const from = r.from === null ? [] : ['from', r.from];
  return ['ufw', 'route', 'allow', 'proto', r.proto, ...from, 'to', r.to, 'port', String(r.port), 'comment', r.comment];
}

function quoteArg(a: string): string {
  return /^[\w./:@=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** The same as a shell command line, for messages: `ufw route allow ... comment 'netctl:...'`. */
export function ufwCommand(r: RouteRule): string {
  return ufwArgv(r).map(quoteArg).join(' ');
}
