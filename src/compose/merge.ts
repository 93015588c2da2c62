/**
 * Merging an override file onto the files before it, as compose does: mappings merge key
 * by key, `command` / `entrypoint` and other single values are replaced, `ports`, `expose`,
 * `dns`, `links` and `env_file` are appended (without repeats), `volumes` merge by their
 * target. Works on the shapes parse.ts produced. Pure.
 */
import type { Mapping, Value } from './types.js';

const APPEND = new Set([
  'ports',
  'expose',
  'dns',
  'dns_search',
  'dns_opt',
  'links',
  'env_file',
  'volumes_from',
  // Issue 25.
  'secrets',
  'configs',
  'profiles',
  'cap_add',
  'cap_drop',
  // Issue 25, real apps: sequences append, as the spec's merge rules say.
  'security_opt',
  'label_file',
  'post_start',
  'pre_stop',
  'pre_start',
]);
const REPLACE = new Set(['command', 'entrypoint']);

function isMapping(v: Value | undefined): v is Mapping {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

function append(a: Value, b: Value): Value {
  const list = [...(Array.isArray(a) ? a : a === null ? [] : [a]), ...(Array.isArray(b) ? b : b === null ? [] : [b])];
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function volumeTarget(v: Value): string {
  if (typeof v === 'string') return v.split(':')[v.includes(':') ? 1 : 0] ?? v;
  if (isMapping(v)) return String(v.target ?? '');
  return JSON.stringify(v);
}

function volumes(a: Value, b: Value): Value {
  const out = new Map<string, Value>();
  for (const v of [...(Array.isArray(a) ? a : []), ...(Array.isArray(b) ? b : [])]) out.set(volumeTarget(v), v);
  return [...out.values()];
}

/** `over` merged onto `base` (deeply for mappings). */
export function mergeValues(base: Value | undefined, over: Value): Value {
  if (isMapping(base) && isMapping(over)) {
    const out: Mapping = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeValues(base[k], v) : v;
    return out;
  }
  return over;
}

/** One service of an override merged onto the same service before it. */
export function mergeService(base: Mapping, over: Mapping): Mapping {
  const out: Mapping = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (!(k in base)) out[k] = v;
    else if (APPEND.has(k)) out[k] = append(base[k]!, v);
    else if (k === 'volumes') out[k] = volumes(base[k]!, v);
    else if (REPLACE.has(k)) out[k] = v;
    else if (k === 'x-netctl' && isMapping(base[k]) && isMapping(v))
      out[k] = { ...base[k], ...v, allow: append(base[k].allow ?? null, v.allow ?? null) };
    else out[k] = mergeValues(base[k], v);
  }
  return out;
}

/** The documents (each already parsed) merged in order. */
export function mergeFiles(docs: readonly Mapping[]): Mapping {
  const services: Mapping = {};
  const networks: Mapping = {};
  const volumes: Mapping = {};
  const secrets: Mapping = {};
  const configs: Mapping = {};
  let name: Value | undefined;
  for (const d of docs) {
    for (const [k, v] of Object.entries((d.secrets ?? {}) as Mapping)) secrets[k] = mergeValues(secrets[k], v);
    for (const [k, v] of Object.entries((d.configs ?? {}) as Mapping)) configs[k] = mergeValues(configs[k], v);
    for (const [k, s] of Object.entries((d.services ?? {}) as Mapping))
      services[k] = isMapping(services[k]) ? mergeService(services[k], s as Mapping) : s;
    for (const [k, n] of Object.entries((d.networks ?? {}) as Mapping))
      networks[k] = k in networks ? mergeValues(networks[k], n) : n;
    for (const [k, v] of Object.entries((d.volumes ?? {}) as Mapping))
      volumes[k] = k in volumes ? mergeValues(volumes[k], v) : v;
    if (d.name !== undefined) name = d.name;
  }
  return { services, networks, volumes, secrets, configs, ...(name !== undefined ? { name } : {}) };
}
