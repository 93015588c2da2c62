/**
 * One compose file's plain values to the shape the merge works on: unsupported keys
 * refused with file and line, list forms that compose also accepts as mappings
 * (environment, labels, depends_on, networks, extra_hosts) turned into mappings. Pure.
 */
import {
  ALLOW_ITEM,
  DEPENDS_ON,
  ENV_FILE,
  IPAM,
  IPAM_CONFIG,
  NETWORK,
  PORT_LONG,
  SERVICE,
  SERVICE_NETWORK,
  TOP,
  TOP_VOLUME,
  VOLUME_BIND,
  VOLUME_LONG,
  VOLUME_TMPFS,
  VOLUME_VOLUME,
  X_NETCTL,
  type KeySet,
} from './schema.js';
import { extraItems, extraTop } from './parse-extra.js';
import type { KeyPath, Mapping, Value } from './types.js';
import type { Where } from './where.js';

/** A mapping, or an error naming what was expected. */
export function asMapping(w: Where, path: KeyPath, v: Value, what = 'a mapping'): Mapping {
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw w.error(path, `must be ${what}`);
  return v;
}

/** A list, or an error. */
export function asList(w: Where, path: KeyPath, v: Value): Value[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw w.error(path, 'must be a list');
  return v;
}

/** Refuses keys not in `set` (and returns the warnings for keys compose only warns about). */
export function checkKeys(w: Where, path: KeyPath, m: Mapping, set: KeySet, warnings: string[]): void {
  for (const key of Object.keys(m)) {
    if (set.extensions && key.startsWith('x-') && key !== 'x-netctl') continue;
    const warn = set.warn?.[key];
    if (warn !== undefined) warnings.push(w.warning([...path, key], warn));
    else if (!set.keys.includes(key))
      throw w.error(
        [...path, key],
        `key "${key}" is not supported by netctl compose (${set.what} keys it runs: ${set.keys.join(', ')})`,
      );
  }
}

/** `["A=1", "B"]` or `{A: 1}` to a mapping of strings (null: take from the environment). */
export function keyValues(w: Where, path: KeyPath, v: Value, sep = '='): Mapping {
  if (!Array.isArray(v)) {
    const m = asMapping(w, path, v, 'a mapping or a list');
    for (const [k, x] of Object.entries(m)) {
      if (x !== null && typeof x === 'object') throw w.error([...path, k], 'must be a string, number or boolean');
    }
    return m;
  }
  const out: Mapping = {};
  v.forEach((item, i) => {
    if (typeof item !== 'string' && typeof item !== 'number') throw w.error([...path, i], 'must be a string');
    const text = String(item);
    const at = text.indexOf(sep);
    out[at < 0 ? text : text.slice(0, at)] = at < 0 ? null : text.slice(at + 1);
  });
  return out;
}

function listToMap(w: Where, path: KeyPath, v: Value, item: (name: string) => Value): Mapping {
  if (!Array.isArray(v)) return asMapping(w, path, v, 'a mapping or a list');
  const out: Mapping = {};
  v.forEach((x, i) => {
    if (typeof x !== 'string') throw w.error([...path, i], 'must be a name');
    out[x] = item(x);
  });
  return out;
}

function eachMapping(w: Where, path: KeyPath, v: Value, set: KeySet, warnings: string[]): void {
  for (const [k, x] of Object.entries(asMapping(w, path, v))) {
    if (x !== null) checkKeys(w, [...path, k], asMapping(w, [...path, k], x), set, warnings);
  }
}

function longItems(w: Where, path: KeyPath, v: Value, set: KeySet, warnings: string[]): void {
  asList(w, path, v).forEach((x, i) => {
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) checkKeys(w, [...path, i], x, set, warnings);
  });
}

function service(w: Where, path: KeyPath, raw: Value, warnings: string[]): Mapping {
  const s = { ...asMapping(w, path, raw) };
  checkKeys(w, path, s, SERVICE, warnings);
  if (s.environment !== undefined) s.environment = keyValues(w, [...path, 'environment'], s.environment);
  if (s.labels !== undefined) s.labels = keyValues(w, [...path, 'labels'], s.labels);
  if (s.extra_hosts !== undefined) {
    const m = Array.isArray(s.extra_hosts)
      ? keyValues(
          w,
          [...path, 'extra_hosts'],
          s.extra_hosts.map((h) => String(h).replace(/[:=]/, '\u0000')),
          '\u0000',
        )
      : keyValues(w, [...path, 'extra_hosts'], s.extra_hosts);
    s.extra_hosts = m;
  }
  if (s.depends_on !== undefined) {
    s.depends_on = listToMap(w, [...path, 'depends_on'], s.depends_on, () => ({ condition: 'service_started' }));
    eachMapping(w, [...path, 'depends_on'], s.depends_on, DEPENDS_ON, warnings);
  }
  if (s.networks !== undefined) {
    s.networks = listToMap(w, [...path, 'networks'], s.networks, () => null);
    eachMapping(w, [...path, 'networks'], s.networks, SERVICE_NETWORK, warnings);
  }
  if (s.ports !== undefined) longItems(w, [...path, 'ports'], s.ports, PORT_LONG, warnings);
  if (s.volumes !== undefined) volumeItems(w, [...path, 'volumes'], s.volumes, warnings);
  if (s.env_file !== undefined && Array.isArray(s.env_file))
    longItems(w, [...path, 'env_file'], s.env_file, ENV_FILE, warnings);
  extraItems(w, path, s, warnings);
  if (s['x-netctl'] !== undefined) {
    const x = asMapping(w, [...path, 'x-netctl'], s['x-netctl']);
    checkKeys(w, [...path, 'x-netctl'], x, X_NETCTL, warnings);
    if (x.allow !== undefined) longItems(w, [...path, 'x-netctl', 'allow'], x.allow, ALLOW_ITEM, warnings);
  }
  return s;
}

function volumeItems(w: Where, path: KeyPath, v: Value, warnings: string[]): void {
  longItems(w, path, v, VOLUME_LONG, warnings);
  asList(w, path, v).forEach((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return;
    for (const [k, set] of [
      ['bind', VOLUME_BIND],
      ['volume', VOLUME_VOLUME],
      ['tmpfs', VOLUME_TMPFS],
    ] as const)
      if (x[k] !== undefined && x[k] !== null)
        checkKeys(w, [...path, i, k], asMapping(w, [...path, i, k], x[k]), set, warnings);
  });
}

function topVolume(w: Where, path: KeyPath, raw: Value, warnings: string[]): Mapping {
  const v = { ...asMapping(w, path, raw) };
  checkKeys(w, path, v, TOP_VOLUME, warnings);
  if (v.labels !== undefined) v.labels = keyValues(w, [...path, 'labels'], v.labels);
  if (v.driver_opts !== undefined) v.driver_opts = keyValues(w, [...path, 'driver_opts'], v.driver_opts);
  return v;
}

function network(w: Where, path: KeyPath, raw: Value, warnings: string[]): Mapping {
  const n = { ...asMapping(w, path, raw) };
  checkKeys(w, path, n, NETWORK, warnings);
  if (n.labels !== undefined) n.labels = keyValues(w, [...path, 'labels'], n.labels);
  if (n.driver_opts !== undefined) n.driver_opts = keyValues(w, [...path, 'driver_opts'], n.driver_opts);
  if (n.ipam !== undefined && n.ipam !== null) {
    const ipam = asMapping(w, [...path, 'ipam'], n.ipam);
    checkKeys(w, [...path, 'ipam'], ipam, IPAM, warnings);
    if (ipam.config !== undefined) longItems(w, [...path, 'ipam', 'config'], ipam.config, IPAM_CONFIG, warnings);
  }
  return n;
}

/** Checks and normalizes one file's document. */
export function parseFile(w: Where, doc: Value, warnings: string[]): Mapping {
  const top = { ...asMapping(w, [], doc, 'a mapping of top-level keys') };
  checkKeys(w, [], top, TOP, warnings);
  const services: Mapping = {};
  for (const [name, s] of Object.entries(asMapping(w, ['services'], top.services ?? null)))
    services[name] = service(w, ['services', name], s, warnings);
  const networks: Mapping = {};
  for (const [name, n] of Object.entries(asMapping(w, ['networks'], top.networks ?? null)))
    networks[name] = network(w, ['networks', name], n, warnings);
  const volumes: Mapping = {};
  for (const [name, v] of Object.entries(asMapping(w, ['volumes'], top.volumes ?? null)))
    volumes[name] = topVolume(w, ['volumes', name], v, warnings);
  const out: Mapping = { services, networks, volumes, ...extraTop(w, top, warnings) };
  if (top.name !== undefined) out.name = top.name;
  return out;
}
