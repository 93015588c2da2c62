/**
 * `-p` specs, Docker's forms: `C`, `H:C`, `IP:H:C`, `IP::C`, ranges `H1-H2:C1-C2` (or a host
 * range for one container port), `/tcp` (default), `/udp`, `/sctp`, IPv6 host addresses in
 * brackets (`[::1]:8080:80`). Pure; errors name the bad spec.
 */
import { UsageError } from '../errors.js';
import { canonicalIp } from './addr.js';
import type { PortProto } from './port.js';

/** A port range, inclusive; a single port has start === end. */
export interface PortRange {
  start: number;
  end: number;
}

/** One parsed `-p` spec. */
export interface PortSpec {
  /** Canonical host address; absent means every address. */
  hostIp?: string;
  /** Absent: any free host port (from ip_local_port_range). */
  hostPorts?: PortRange;
  containerPorts: PortRange;
  proto: PortProto;
}

/** One host-port request for one container port, after expanding ranges. */
export interface PortRequestSpec {
  hostIp?: string;
  /** A fixed host port, or a range to choose one free port from, or nothing (any free port). */
  hostPort?: number;
  hostRange?: PortRange;
  containerPort: number;
  proto: PortProto;
}

const PROTOS: readonly string[] = ['tcp', 'udp', 'sctp'];

function bad(spec: string, why: string): UsageError {
  return new UsageError(`invalid port spec "${spec}": ${why}`);
}

function parsePort(spec: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw bad(spec, `"${text}" is not a port number`);
  const n = Number(text);
  if (n < 1 || n > 65535) throw bad(spec, `port ${n} is outside 1-65535`);
  return n;
}

function parseRange(spec: string, text: string): PortRange {
  const [a, b, extra] = text.split('-');
  if (extra !== undefined || a === undefined) throw bad(spec, `"${text}" is not a port or range`);
  const start = parsePort(spec, a);
  const end = b === undefined ? start : parsePort(spec, b);
  if (end < start) throw bad(spec, `range "${text}" ends before it starts`);
  return { start, end };
}

// Splits off the host address: "[v6]:rest", or "v4:H:C" (three fields), or nothing.
function splitHost(spec: string, body: string): { ip?: string; rest: string } {
  if (body.startsWith('[')) {
    const close = body.indexOf(']');
    if (close < 0 || body[close + 1] !== ':') throw bad(spec, 'an IPv6 host address must be "[ADDR]:HOST:CONTAINER"');
    return { ip: body.slice(1, close), rest: body.slice(close + 2) };
  }
  const parts = body.split(':');
  if (parts.length === 3) return { ip: parts[0]!, rest: `${parts[1]}:${parts[2]}` };
  if (parts.length > 3) throw bad(spec, 'an IPv6 host address needs brackets');
  return { rest: body };
}

/** Parses one `-p` value. */
export function parsePortSpec(spec: string): PortSpec {
  const slash = spec.lastIndexOf('/');
  const proto = slash >= 0 ? spec.slice(slash + 1) : 'tcp';
  if (!PROTOS.includes(proto)) throw bad(spec, `unknown protocol "${proto}" (tcp, udp or sctp)`);
  const body = slash >= 0 ? spec.slice(0, slash) : spec;
  if (body === '') throw bad(spec, 'no port');
  const { ip, rest } = splitHost(spec, body);
  const fields = rest.split(':');
  if (fields.length > 2) throw bad(spec, 'too many ":"');
  const containerPorts = parseRange(spec, fields[fields.length - 1]!);
  const out: PortSpec = { containerPorts, proto: proto as PortProto };
  if (ip !== undefined && ip !== '') {
    try {
      out.hostIp = canonicalIp(ip, 'host address');
    } catch {
      throw bad(spec, `"${ip}" is not an IP address`);
    }
  }
  const host = fields.length === 2 ? fields[0]! : '';
  if (host !== '') {
    const hostPorts = parseRange(spec, host);
    const hostLen = hostPorts.end - hostPorts.start;
    const ctrLen = containerPorts.end - containerPorts.start;
    if (ctrLen > 0 && hostLen !== ctrLen) throw bad(spec, 'host and container ranges differ in length');
    out.hostPorts = hostPorts;
  }
  return out;
}

/** Expands a spec into one request per container port. */
export function expandPortSpec(p: PortSpec): PortRequestSpec[] {
  const out: PortRequestSpec[] = [];
  const single = p.containerPorts.start === p.containerPorts.end;
  for (let c = p.containerPorts.start; c <= p.containerPorts.end; c++) {
    const r: PortRequestSpec = { containerPort: c, proto: p.proto };
    if (p.hostIp !== undefined) r.hostIp = p.hostIp;
    if (p.hostPorts && single && p.hostPorts.end > p.hostPorts.start) r.hostRange = p.hostPorts;
    else if (p.hostPorts) r.hostPort = p.hostPorts.start + (c - p.containerPorts.start);
    out.push(r);
  }
  return out;
}
