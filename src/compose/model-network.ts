/**
 * A top-level `networks:` entry to a ComposeNetwork: driver bridge only; `ipam.config`
 * subnets (one IPv4, one IPv6) with gateway and ip_range; `internal`, `enable_ipv6`,
 * `external`, `name`, `labels`, and the bridge driver options netctl knows (icc, bridge
 * name, MTU). Pure.
 */
import { DRIVER_OPTS } from './schema.js';
import type { ComposeNetwork, KeyPath, Mapping, Value } from './types.js';
import { asList, asMapping } from './parse.js';
import type { Where } from './where.js';

/** A boolean, or an error. */
export function asBool(w: Where, path: KeyPath, v: Value | undefined, dflt = false): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw w.error(path, `must be true or false, not "${String(v)}"`);
}

/** A string, or an error. */
export function asString(w: Where, path: KeyPath, v: Value | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw w.error(path, 'must be a string');
}

/** A mapping's values as strings. */
export function stringMap(w: Where, path: KeyPath, v: Value | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(asMapping(w, path, v ?? null))) out[k] = x === null ? '' : String(x);
  return out;
}

function ipam(w: Where, path: KeyPath, v: Value | undefined, n: ComposeNetwork): void {
  if (v === undefined || v === null) return;
  const m = asMapping(w, path, v);
  const driver = asString(w, [...path, 'driver'], m.driver);
  if (driver !== undefined && driver !== 'default')
    throw w.error([...path, 'driver'], `ipam driver "${driver}" is not supported (only "default")`);
  asList(w, [...path, 'config'], m.config ?? null).forEach((c, i) => {
    const p = [...path, 'config', i];
    const cfg = asMapping(w, p, c);
    const subnet = asString(w, [...p, 'subnet'], cfg.subnet);
    if (subnet === undefined) throw w.error(p, 'an ipam config needs a subnet');
    const v6 = subnet.includes(':');
    if ((v6 ? n.subnet6 : n.subnet) !== undefined)
      throw w.error([...p, 'subnet'], `only one IPv${v6 ? 6 : 4} subnet per network`);
    const gateway = asString(w, [...p, 'gateway'], cfg.gateway);
    const range = asString(w, [...p, 'ip_range'], cfg.ip_range);
    if (v6) {
      n.subnet6 = subnet;
      if (gateway !== undefined) n.gateway6 = gateway;
      if (range !== undefined) throw w.error([...p, 'ip_range'], 'an IPv6 ip_range is not supported');
    } else {
      n.subnet = subnet;
      if (gateway !== undefined) n.gateway = gateway;
      if (range !== undefined) n.ipRange = range;
    }
  });
}

function driverOpts(w: Where, path: KeyPath, v: Value | undefined, n: ComposeNetwork): void {
  for (const [k, x] of Object.entries(stringMap(w, path, v))) {
    if ((DRIVER_OPTS.icc as readonly string[]).includes(k)) n.icc = asBool(w, [...path, k], x);
    else if ((DRIVER_OPTS.bridge as readonly string[]).includes(k)) n.bridge = x;
    else if ((DRIVER_OPTS.mtu as readonly string[]).includes(k)) {
      if (!/^\d+$/.test(x)) throw w.error([...path, k], `MTU "${x}" is not a number`);
      n.mtu = Number(x);
    } else
      throw w.error(
        [...path, k],
        `driver option "${k}" is not supported (${[...DRIVER_OPTS.icc, ...DRIVER_OPTS.bridge, ...DRIVER_OPTS.mtu].join(', ')})`,
      );
  }
}

/** One network of project `project`. */
export function composeNetwork(w: Where, project: string, key: string, raw: Value): ComposeNetwork {
  const path = ['networks', key];
  const m: Mapping = asMapping(w, path, raw);
  const ext = m.external;
  const external =
    typeof ext === 'object' && ext !== null && !Array.isArray(ext) ? true : asBool(w, [...path, 'external'], ext);
  const legacyName =
    typeof ext === 'object' && ext !== null && !Array.isArray(ext)
      ? asString(w, [...path, 'external', 'name'], ext.name)
      : undefined;
  const explicit = asString(w, [...path, 'name'], m.name) ?? legacyName;
  const n: ComposeNetwork = {
    key,
    name: explicit ?? (external ? key : `${project}_${key}`),
    external,
    internal: asBool(w, [...path, 'internal'], m.internal),
    icc: true,
    ipv6: asBool(w, [...path, 'enable_ipv6'], m.enable_ipv6),
    labels: stringMap(w, [...path, 'labels'], m.labels),
  };
  const driver = asString(w, [...path, 'driver'], m.driver);
  if (driver !== undefined && driver !== 'bridge')
    throw w.error([...path, 'driver'], `driver "${driver}" is not supported (only "bridge")`);
  if (external) {
    const extra = Object.keys(m).find((k) => !['external', 'name'].includes(k) && !k.startsWith('x-'));
    if (extra)
      throw w.error(
        [...path, extra],
        'an external network is made elsewhere: only "name" may be set beside "external"',
      );
    return n;
  }
  ipam(w, [...path, 'ipam'], m.ipam, n);
  driverOpts(w, [...path, 'driver_opts'], m.driver_opts, n);
  if (n.ipv6 && n.subnet6 === undefined)
    throw w.error(
      [...path, 'enable_ipv6'],
      'enable_ipv6 needs an IPv6 subnet in ipam.config (netctl has no default IPv6 pool)',
    );
  // An IPv6 subnet in ipam.config enables IPv6 when enable_ipv6 is not given (as the spec's
  // ipv6_address example expects); an explicit false with one is a contradiction.
  if (n.subnet6 !== undefined && !n.ipv6) {
    if (m.enable_ipv6 !== undefined)
      throw w.error([...path, 'enable_ipv6'], 'enable_ipv6 is false but ipam.config has an IPv6 subnet');
    n.ipv6 = true;
  }
  return n;
}
