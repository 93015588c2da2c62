/**
 * Validation of what ends up in a container's resolv.conf or is answered by name: DNS
 * server addresses (`--dns`), search domains (`--dns-search`), resolver options
 * (`--dns-option`), and names used as DNS names (container names on user-defined networks,
 * aliases, hostnames, link aliases). Each check throws a UsageError naming the bad value.
 * Pure.
 */
import { UsageError } from '../errors.js';
import { parseIp } from './addr.js';

// RFC 1123 labels, plus "_": Docker accepts it in container names (`my_db`) and its embedded
// server answers them, so refusing it would break working compose files.
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** Why `name` is not a DNS name (dot-separated labels), or null when it is one. */
export function dnsNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.length > 253) return `it has ${name.length} characters, at most 253`;
  for (const label of name.split('.')) {
    if (label.length === 0) return 'it has an empty label (two dots, or a dot at an end)';
    if (label.length > 63) return `its label "${label.slice(0, 12)}…" has ${label.length} characters, at most 63`;
    if (!LABEL.test(label))
      return `its label "${label}" may hold only letters, digits, "-" and "_", not starting or ending with "-"`;
  }
  return null;
}

/** A name other containers look up (`kind`: container, alias, hostname, link alias). */
export function checkDnsName(kind: string, name: string): string {
  const problem = dnsNameProblem(name);
  if (problem) throw new UsageError(`invalid ${kind} "${name}": not a DNS name, ${problem}`);
  return name;
}

/** A hostname: a DNS name the kernel takes (at most 64 bytes). */
export function checkHostname(name: string): string {
  checkDnsName('hostname', name);
  if (name.length > 64) throw new UsageError(`invalid hostname "${name}": ${name.length} characters, at most 64`);
  return name;
}

/** A `--dns` address (IPv4, or IPv6 with an optional `%zone`), in its canonical form. */
export function checkDnsServer(text: string): string {
  const [addr = '', zone] = text.split('%');
  try {
    parseIp(addr);
  } catch {
    throw new UsageError(`invalid --dns "${text}": not an IP address`);
  }
  if (zone !== undefined && (!addr.includes(':') || !/^[A-Za-z0-9_.-]{1,15}$/.test(zone)))
    throw new UsageError(`invalid --dns "${text}": a zone (%IF) goes only on an IPv6 address`);
  return text;
}

/** A `--dns-search` domain; `.` alone means no search domain, as in Docker. */
export function checkSearchDomain(text: string): string {
  if (text === '.') return text;
  const problem = dnsNameProblem(text.endsWith('.') ? text.slice(0, -1) : text);
  if (problem) throw new UsageError(`invalid --dns-search "${text}": not a domain name, ${problem}`);
  return text;
}

/** A `--dns-option`: `NAME` or `NAME:VALUE`, as resolv.conf(5) lists them; `ndots` wants a number. */
export function checkDnsOption(text: string): string {
  const m = /^([a-z][a-z0-9_-]*)(?::(\S+))?$/.exec(text);
  if (!m) throw new UsageError(`invalid --dns-option "${text}": expected NAME or NAME:VALUE, no spaces`);
  if (['ndots', 'timeout', 'attempts'].includes(m[1]!) && !/^\d{1,2}$/.test(m[2] ?? ''))
    throw new UsageError(`invalid --dns-option "${text}": ${m[1]} takes a number (${m[1]}:N)`);
  return text;
}
