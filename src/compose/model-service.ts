/**
 * One merged `services:` entry to a ComposeService. Pure but for reading env_file files,
 * which comes in as a function.
 */
import { resolve } from 'node:path';
import type { ComposeService, ComposeVolume, KeyPath, Mapping, ServiceNetwork, Value } from './types.js';
import { asList, asMapping } from './parse.js';
import { asString, stringMap } from './model-network.js';
import { serviceExpose, servicePorts } from './ports.js';
import { serviceAllows } from './allow-decl.js';
import { serviceMounts, serviceVolumesFrom } from './model-volume.js';
import { commandWords } from './words.js';
import { DotenvError, parseDotenv } from './dotenv.js';
import type { Vars } from './interpolate.js';
import type { Where } from './where.js';
import { checkName } from '../model/names.js';
import { checkDnsName, checkDnsOption, checkDnsServer, checkSearchDomain } from '../model/dns-name.js';
import { parseUser } from '../model/process-options.js';
import { serviceLimits } from './model-limits.js';
import { dependsConditions, serviceHealth } from './model-health.js';
import { checkIfnames, labelFiles, networkExtras, serviceBlkio } from './model-apps.js';
import { serviceHooks } from './model-hooks.js';

/** What building a service needs besides its own mapping. */
export interface ServiceContext {
  w: Where;
  project: string;
  workingDir: string;
  vars: Vars;
  /** Every service name, and every top-level network key. */
  services: readonly string[];
  networks: readonly string[];
  /** The top-level volumes. */
  volumes: readonly ComposeVolume[];
  /** Service name to container name, for volumes_from. */
  containers: ReadonlyMap<string, string>;
  /** Reads a file (env_file); undefined when it does not exist. */
  readFile: (path: string) => string | undefined;
  warnings: string[];
}

function envFiles(c: ServiceContext, path: KeyPath, v: Value | undefined): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  if (v === undefined || v === null) return out;
  const items = typeof v === 'string' ? [v] : asList(c.w, path, v);
  items.forEach((item, i) => {
    const m = typeof item === 'string' ? { path: item, required: true } : asMapping(c.w, [...path, i], item);
    const file = resolve(c.workingDir, String(m.path));
    const text = c.readFile(file);
    if (text === undefined) {
      if (m.required === false) return;
      throw c.w.error(typeof v === 'string' ? path : [...path, i], `env file ${file} not found`);
    }
    try {
      for (const [k, x] of parseDotenv(text)) out.set(k, x === undefined ? c.vars[k] : x);
    } catch (err) {
      if (err instanceof DotenvError) throw c.w.error(path, `${file}:${err.line}: ${err.message}`);
      throw err;
    }
  });
  return out;
}

function environment(c: ServiceContext, path: KeyPath, s: Mapping): string[] {
  const env = envFiles(c, [...path, 'env_file'], s.env_file);
  for (const [k, x] of Object.entries(asMapping(c.w, [...path, 'environment'], s.environment ?? null))) {
    env.set(k, x === null ? c.vars[k] : String(x));
  }
  return [...env].filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
}

function networks(c: ServiceContext, path: KeyPath, s: Mapping): ServiceNetwork[] {
  if (s.network_mode !== undefined) {
    if (s.networks !== undefined)
      throw c.w.error([...path, 'networks'], 'networks and network_mode cannot be used together');
    return [];
  }
  const m = s.networks === undefined ? { default: null } : asMapping(c.w, [...path, 'networks'], s.networks);
  const out = Object.entries(m).map(([key, x], i): ServiceNetwork => {
    const p = [...path, 'networks', key];
    if (key !== 'default' && !c.networks.includes(key))
      throw c.w.error(p, `network "${key}" is not defined under the top-level networks`);
    const o = asMapping(c.w, p, x);
    const aliases = asList(c.w, [...p, 'aliases'], o.aliases ?? null).map((a, j) =>
      at(c, [...p, 'aliases', j], () => checkDnsName('alias', checkName('alias', String(a)))),
    );
    // Issue 25: gw_priority (compose 2.33) picks the gateway network as priority does.
    const prio = o.gw_priority ?? o.priority;
    const n: ServiceNetwork = { key, aliases, priority: typeof prio === 'number' ? prio : 0 };
    const ip = asString(c.w, [...p, 'ipv4_address'], o.ipv4_address);
    if (ip !== undefined) n.ipv4Address = ip;
    const ip6 = asString(c.w, [...p, 'ipv6_address'], o.ipv6_address);
    if (ip6 !== undefined) n.ipv6Address = ip6;
    networkExtras(c, p, o, n);
    void i;
    return n;
  });
  checkIfnames(c, path, out);
  // The primary network (eth0, default route, published ports): highest priority, then file order.
  return out
    .map((n, i) => ({ n, i }))
    .sort((a, b) => b.n.priority - a.n.priority || a.i - b.i)
    .map((x) => x.n);
}

const at = <T>(c: ServiceContext, path: KeyPath, fn: () => T): T => c.w.at(path, fn);

function networkMode(c: ServiceContext, path: KeyPath, v: Value | undefined): string | undefined {
  const mode = asString(c.w, path, v);
  if (mode === undefined) return undefined;
  if (['host', 'none', 'bridge'].includes(mode) || mode.startsWith('container:')) return mode;
  if (mode.startsWith('service:')) {
    const target = mode.slice(8);
    if (!c.services.includes(target))
      throw c.w.error(path, `network_mode "${mode}": no service "${target}" in this project`);
    return mode;
  }
  throw c.w.error(path, `network_mode "${mode}" is not supported (host, none, bridge, service:NAME, container:NAME)`);
}

function dependsOn(
  c: ServiceContext,
  path: KeyPath,
  s: Mapping,
  links: ComposeService['links'],
  mode: string | undefined,
): string[] {
  const out: string[] = [];
  // Conditions, required and restart: model-health.ts.
  for (const name of Object.keys(asMapping(c.w, [...path, 'depends_on'], s.depends_on ?? null))) {
    const p = [...path, 'depends_on', name];
    if (!c.services.includes(name)) throw c.w.error(p, `depends on "${name}", which is not a service of this project`);
    out.push(name);
  }
  for (const l of links) if (!out.includes(l.service)) out.push(l.service);
  if (mode?.startsWith('service:') && !out.includes(mode.slice(8))) out.push(mode.slice(8));
  return out;
}

function linksOf(c: ServiceContext, path: KeyPath, v: Value | undefined): ComposeService['links'] {
  if (v === undefined) return [];
  return asList(c.w, path, v).map((item, i) => {
    const [service = '', alias, extra] = String(item).split(':');
    if (extra !== undefined || !c.services.includes(service))
      throw c.w.error(
        [...path, i],
        `link "${String(item)}": expected SERVICE[:ALIAS] naming a service of this project`,
      );
    return { service, alias: at(c, [...path, i], () => checkName('link alias', alias ?? service)) };
  });
}

function user(c: ServiceContext, path: KeyPath, v: Value | undefined): ComposeService['user'] {
  const u = asString(c.w, path, v);
  if (u === undefined) return undefined;
  return at(c, path, () => parseUser(u));
}

// Issue 24: compose's pull_policy values; if_not_present is missing's old name.
function pullPolicy(c: ServiceContext, path: KeyPath, v: Value | undefined): ComposeService['pullPolicy'] {
  const p = asString(c.w, path, v);
  if (p === undefined) return undefined;
  if (p === 'always' || p === 'missing' || p === 'never') return p;
  if (p === 'if_not_present') return 'missing';
  // Issue 25: compose's refresh periods; netctl keeps no pull times, so it pulls when missing.
  if (p === 'daily' || p === 'weekly' || /^every_\d+[smhdw]?(\d+[smhdw])*$/.test(p)) {
    c.warnings.push(c.w.warning(path, `pull_policy "${p}": netctl pulls the image when it is missing`));
    return 'missing';
  }
  throw c.w.error(path, `pull_policy "${p}": netctl takes always, missing or never`);
}

function restart(c: ServiceContext, path: KeyPath, v: Value | undefined): ComposeService['restart'] {
  const r = asString(c.w, path, v) ?? 'no';
  if (r === 'no' || r === 'always' || r === 'on-failure') return r;
  if (r === 'unless-stopped') return 'always';
  if (/^on-failure:\d+$/.test(r)) return 'on-failure';
  throw c.w.error(path, `restart "${r}" is not one of no, always, on-failure, unless-stopped`);
}

function stringList(c: ServiceContext, path: KeyPath, v: Value | undefined): string[] {
  if (v === undefined || v === null) return [];
  return (typeof v === 'string' ? [v] : asList(c.w, path, v)).map(String);
}

/** `dns`, `dns_search`, `dns_opt`: each item checked where it stands in the file. */
function dnsList(c: ServiceContext, path: KeyPath, v: Value | undefined, check: (x: string) => string): string[] {
  return stringList(c, path, v).map((x, i) => at(c, typeof v === 'string' ? path : [...path, i], () => check(x)));
}

/** `healthcheck` and the `depends_on` conditions (model-health.ts), set only when given. */
function healthOf(c: ServiceContext, path: KeyPath, s: Mapping, svc: ComposeService): void {
  const h = serviceHealth(c, path, s);
  if (h) svc.healthcheck = h;
  const wait = dependsConditions(c, path, s);
  if (wait.some((d) => d.condition !== 'service_started' || !d.required || d.restart)) svc.waitFor = wait;
}

/** Builds service `name`. */
export function composeService(c: ServiceContext, name: string, raw: Value): ComposeService {
  const path = ['services', name];
  const s = asMapping(c.w, path, raw);
  const image = asString(c.w, [...path, 'image'], s.image);
  if (image === undefined)
    throw c.w.error(
      path,
      'a service needs an image (netctl compose builds nothing: import one with netctl image import)',
    );
  const containerName = at(c, [...path, 'container_name'], () =>
    checkName('container', asString(c.w, [...path, 'container_name'], s.container_name) ?? `${c.project}-${name}-1`),
  );
  const labels = {
    ...labelFiles(c, [...path, 'label_file'], s.label_file),
    ...stringMap(c.w, [...path, 'labels'], s.labels),
  };
  const ports = servicePorts(c.w, [...path, 'ports'], s.ports);
  const mode = networkMode(c, [...path, 'network_mode'], s.network_mode);
  if (mode !== undefined && mode !== 'bridge' && ports.length > 0)
    throw c.w.error([...path, 'ports'], `ports cannot be published with network_mode "${mode}"`);
  const links = linksOf(c, [...path, 'links'], s.links);
  const from = serviceVolumesFrom(c, path, s);
  const svc: ComposeService = {
    name,
    containerName,
    image,
    environment: environment(c, path, s),
    ports,
    expose: serviceExpose(c.w, [...path, 'expose'], s.expose),
    networks: networks(c, path, s),
    links,
    dependsOn: [...new Set([...dependsOn(c, path, s, links, mode), ...from.services])],
    volumes: serviceMounts(c, path, s),
    volumesFrom: from.from,
    restart: restart(c, [...path, 'restart'], s.restart),
    labels,
    dns: dnsList(c, [...path, 'dns'], s.dns, checkDnsServer),
    extraHosts: Object.entries(stringMap(c.w, [...path, 'extra_hosts'], s.extra_hosts)).map(([h, ip]) => `${ip}\t${h}`),
    allow: serviceAllows(c.w, path, containerName, s, labels, ports),
  };
  const entrypoint = commandWords(c.w, [...path, 'entrypoint'], s.entrypoint);
  if (entrypoint) svc.entrypoint = entrypoint;
  const command = commandWords(c.w, [...path, 'command'], s.command);
  if (command) svc.command = command;
  if (mode !== undefined) svc.networkMode = mode;
  const wd = asString(c.w, [...path, 'working_dir'], s.working_dir);
  if (wd !== undefined) svc.workingDir = wd;
  const u = user(c, [...path, 'user'], s.user);
  if (u) svc.user = u;
  const pp = pullPolicy(c, [...path, 'pull_policy'], s.pull_policy);
  if (pp) svc.pullPolicy = pp;
  const hostname = asString(c.w, [...path, 'hostname'], s.hostname);
  if (hostname !== undefined) svc.hostname = hostname;
  const dnsSearch = dnsList(c, [...path, 'dns_search'], s.dns_search, checkSearchDomain);
  if (dnsSearch.length > 0) svc.dnsSearch = dnsSearch;
  const dnsOptions = dnsList(c, [...path, 'dns_opt'], s.dns_opt, checkDnsOption);
  if (dnsOptions.length > 0) svc.dnsOptions = dnsOptions;
  const max = /^on-failure:(\d+)$/.exec(String(s.restart ?? ''));
  if (max) svc.restartMax = Number(max[1]);
  const limits = serviceLimits(c, path, s, mode ?? 'bridge');
  const blkio = serviceBlkio(c, [...path, 'blkio_config'], s.blkio_config);
  if (blkio) limits.resources = { ...limits.resources, blkio };
  const hooks = serviceHooks(c, path, s);
  if (hooks) svc.hooks = hooks;
  if (Object.keys(limits).length > 0) svc.limits = limits;
  healthOf(c, path, s, svc);
  return svc;
}
