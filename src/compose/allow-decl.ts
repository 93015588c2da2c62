/**
 * Allow rules declared beside the ports: `x-netctl: { allow: ["80/tcp", 443, { port: 443,
 * from: CIDR }] }` on a service, and the `netctl.allow=80/tcp,443` / `netctl.allow.from=CIDR,...`
 * labels (as on Docker containers). Each becomes an allow rule of the service's container
 * name, checked against the ports the service publishes. Pure.
 */
import type { AllowRule } from '../model/allow.js';
import type { PortRequest } from '../store/index.js';
import { canonicalSource, parsePortArg } from '../engine/allow.js';
import type { KeyPath, Mapping, Value } from './types.js';
import { asList } from './parse.js';
import type { Where } from './where.js';
import { NetctlError } from '../errors.js';

/** The labels that declare allow rules. */
export const ALLOW_LABEL = 'netctl.allow';
export const ALLOW_FROM_LABEL = 'netctl.allow.from';

function at<T>(w: Where, path: KeyPath, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof NetctlError) throw w.error(path, err.message);
    throw err;
  }
}

function rulesFor(
  w: Where,
  path: KeyPath,
  container: string,
  port: string,
  froms: readonly string[],
  published: readonly PortRequest[],
): AllowRule[] {
  const pp = at(w, path, () => parsePortArg(port));
  if (!published.some((p) => p.containerPort === pp.port && (pp.proto === null || (p.proto ?? 'tcp') === pp.proto))) {
    throw w.error(path, `allow ${port}: the service publishes no container port ${port} (see its ports)`);
  }
  const sources = froms.length === 0 ? [null] : [...new Set(froms.map((f) => at(w, path, () => canonicalSource(f))))];
  return sources.map((from) => ({ container, port: pp.port, proto: pp.proto, from, network: null }));
}

/** An empty source list given on purpose (often an unset variable) opens nothing, never anywhere. */
const EMPTY_FROM = 'is empty: it would open the port to anywhere (leave it out for that)';

function fromList(w: Where, path: KeyPath, v: Value | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') {
    if (v.trim() === '') throw w.error(path, EMPTY_FROM);
    return [v];
  }
  const list = asList(w, path, v).map((x, i) => {
    if (typeof x !== 'string') throw w.error([...path, i], 'must be an address or CIDR');
    return x;
  });
  if (list.length === 0) throw w.error(path, EMPTY_FROM);
  return list;
}

/** Rules from `x-netctl.allow`. */
function extensionRules(
  w: Where,
  path: KeyPath,
  container: string,
  x: Value | undefined,
  published: readonly PortRequest[],
): AllowRule[] {
  if (x === undefined || x === null) return [];
  const list = asList(w, [...path, 'allow'], (x as Mapping).allow ?? null);
  return list.flatMap((item, i) => {
    const p = [...path, 'allow', i];
    if (typeof item === 'string' || typeof item === 'number')
      return rulesFor(w, p, container, String(item), [], published);
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw w.error(p, 'must be "PORT[/PROTO]" or { port, from }');
    if (item.port === undefined || item.port === null) throw w.error(p, 'an allow rule needs a port');
    const proto = item.proto ?? item.protocol;
    const port = proto === undefined || proto === null ? String(item.port) : `${String(item.port)}/${String(proto)}`;
    return rulesFor(w, p, container, port, fromList(w, [...p, 'from'], item.from), published);
  });
}

/** Rules from the `netctl.allow` labels. */
function labelRules(
  w: Where,
  path: KeyPath,
  container: string,
  labels: Record<string, string>,
  published: readonly PortRequest[],
): AllowRule[] {
  const ports = labels[ALLOW_LABEL];
  const from = labels[ALLOW_FROM_LABEL];
  if (ports === undefined) {
    if (from !== undefined)
      throw w.error([...path, ALLOW_FROM_LABEL], `${ALLOW_FROM_LABEL} needs ${ALLOW_LABEL} (the ports it is for)`);
    return [];
  }
  const froms =
    from === undefined
      ? []
      : from
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  if (from !== undefined && froms.length === 0)
    throw w.error([...path, ALLOW_FROM_LABEL], `${ALLOW_FROM_LABEL} ${EMPTY_FROM}`);
  const p = [...path, ALLOW_LABEL];
  return ports
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((port) => rulesFor(w, p, container, port, froms, published));
}

/** Every allow rule a service declares, without repeats. */
export function serviceAllows(
  w: Where,
  path: KeyPath,
  container: string,
  raw: Mapping,
  labels: Record<string, string>,
  published: readonly PortRequest[],
): AllowRule[] {
  const all = [
    ...extensionRules(w, [...path, 'x-netctl'], container, raw['x-netctl'], published),
    ...labelRules(w, [...path, 'labels'], container, labels, published),
  ];
  const seen = new Set<string>();
  return all.filter((r) => {
    const k = JSON.stringify(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
