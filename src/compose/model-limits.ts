/**
 * A service's resource limits and process options: `mem_limit`, `cpus`, `pids_limit`,
 * `deploy.resources`, `ulimits`, `sysctls`, `cap_add`, `init`, `stop_grace_period`... checked
 * with `run`'s own parsers, each error at its key's file and line. Pure.
 */
import type { KeyPath, Mapping, Value } from './types.js';
import { asList, asMapping, checkKeys, keyValues } from './parse.js';
import { asBool, asString } from './model-network.js';
import { DEPLOY, DEPLOY_LIMITS, DEPLOY_RESERVATIONS, DEPLOY_RESOURCES } from './schema.js';
import type { Where } from './where.js';
import { UsageError } from '../errors.js';
import { parseBytes, parseResources, type ResourceInput, type Resources } from '../model/resources.js';
import {
  capabilityMask,
  parseSignal,
  parseSysctl,
  parseUlimit,
  type ProcessRecord,
  signalNumber,
} from '../model/process-options.js';
import type { LaunchProcess } from '../runtime/launcher-proc.js';

/** What the keys add to a service's run request. */
export interface ServiceLimits {
  resources?: Resources;
  proc?: LaunchProcess;
  options?: ProcessRecord;
}

interface Ctx {
  w: Where;
  warnings: string[];
}

/** FN's usage error at PATH's line; `key` names the value as the file does instead of run's --option. */
const at = <T>(c: Ctx, path: KeyPath, fn: () => T, key?: string): T =>
  c.w.at(path, fn, (m) => (key ? m.replace(/--[a-z-]+/, key) : m));

const UNITS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, ns: 1e-9 };

/** A compose duration (`1m30s`, `10s`, `500ms`) in whole seconds, rounded up. */
export function durationSeconds(v: string): number {
  const t = v.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|ns|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== t)
    throw new UsageError(`duration "${v}": expected e.g. 10s, 1m30s or 500ms`);
  return Math.ceil(parts.reduce((n, p) => n + Number(p[1]) * UNITS[p[2]!]!, 0));
}

function deployResources(c: Ctx, path: KeyPath, v: Value | undefined, i: ResourceInput): void {
  if (v === undefined || v === null) return;
  const d = asMapping(c.w, path, v);
  checkKeys(c.w, path, d, DEPLOY, c.warnings);
  if (d.resources === undefined || d.resources === null) return;
  const rp = [...path, 'resources'];
  const r = asMapping(c.w, rp, d.resources);
  checkKeys(c.w, rp, r, DEPLOY_RESOURCES, c.warnings);
  const lim = asMapping(c.w, [...rp, 'limits'], r.limits ?? {});
  checkKeys(c.w, [...rp, 'limits'], lim, DEPLOY_LIMITS, c.warnings);
  const res = asMapping(c.w, [...rp, 'reservations'], r.reservations ?? {});
  checkKeys(c.w, [...rp, 'reservations'], res, DEPLOY_RESERVATIONS, c.warnings);
  // The service's own keys win over deploy's, as compose merges them.
  i.cpus ??= asString(c.w, [...rp, 'limits', 'cpus'], lim.cpus);
  i.memory ??= asString(c.w, [...rp, 'limits', 'memory'], lim.memory);
  i.pidsLimit ??= asString(c.w, [...rp, 'limits', 'pids'], lim.pids);
  i.memoryReservation ??= asString(c.w, [...rp, 'reservations', 'memory'], res.memory);
}

function resources(c: Ctx, path: KeyPath, s: Mapping): Resources | undefined {
  const str = (k: string): string | undefined => asString(c.w, [...path, k], s[k]);
  const i: ResourceInput = {};
  const set = (k: keyof ResourceInput, key: string): void => {
    const v = str(key);
    if (v === undefined) return;
    (i as Record<string, unknown>)[k] = v;
    // Each value on its own line first; how they fit together is the service's.
    if (k !== 'memorySwap') at(c, [...path, key], () => parseResources({ [k]: v }), key);
  };
  set('memory', 'mem_limit');
  set('memorySwap', 'memswap_limit');
  set('memoryReservation', 'mem_reservation');
  set('cpus', 'cpus');
  set('cpuShares', 'cpu_shares');
  set('cpusetCpus', 'cpuset');
  set('pidsLimit', 'pids_limit');
  if (asBool(c.w, [...path, 'oom_kill_disable'], s.oom_kill_disable)) i.oomKillDisable = true;
  deployResources(c, [...path, 'deploy'], s.deploy, i);
  const r = at(c, path, () => parseResources(i));
  return Object.keys(r).length > 0 ? r : undefined;
}

function ulimits(c: Ctx, path: KeyPath, v: Value | undefined): string[] {
  if (v === undefined || v === null) return [];
  return Object.entries(asMapping(c.w, path, v)).map(([name, x]) => {
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
      const m = x as Mapping;
      return at(c, [...path, name], () => parseUlimit(`${name}=${String(m.soft)}:${String(m.hard)}`));
    }
    return at(c, [...path, name], () => parseUlimit(`${name}=${String(x)}`));
  });
}

function strings(c: Ctx, path: KeyPath, v: Value | undefined): string[] {
  if (v === undefined || v === null) return [];
  return asList(c.w, path, v).map((x, i) => asString(c.w, [...path, i], x) ?? '');
}

function capsAndSecurity(c: Ctx, path: KeyPath, s: Mapping, proc: LaunchProcess, o: ProcessRecord): void {
  const capAdd = strings(c, [...path, 'cap_add'], s.cap_add);
  const capDrop = strings(c, [...path, 'cap_drop'], s.cap_drop);
  const privileged = asBool(c.w, [...path, 'privileged'], s.privileged);
  if (capAdd.length > 0 || capDrop.length > 0 || privileged) {
    proc.caps = at(c, [...path, capAdd.length > 0 ? 'cap_add' : 'cap_drop'], () =>
      capabilityMask(capAdd, capDrop, privileged),
    );
    Object.assign(o, { capAdd, capDrop, ...(privileged ? { privileged } : {}) });
  }
  strings(c, [...path, 'security_opt'], s.security_opt).forEach((opt, i) => {
    // Docker applies label: options only with SELinux enabled in the daemon, else ignores them.
    if (/^label[:=](user|role|type|level|filetype):\S+$|^label[:=]disable$/.test(opt)) {
      c.warnings.push(c.w.warning([...path, 'security_opt', i], `"${opt}": netctl sets no SELinux labels: ignored`));
      return;
    }
    const m = /^no-new-privileges(?:[:=](true|false))?$/.exec(opt);
    if (!m)
      throw c.w.error(
        [...path, 'security_opt', i],
        `security_opt "${opt}" is not supported (only no-new-privileges, label:)`,
      );
    if (m[1] !== 'false') {
      proc.noNewPrivs = true;
      o.securityOpt = ['no-new-privileges'];
    }
  });
}

/** The limits and process options of service mapping `s` at `path`; `network` is what it runs on. */
export function serviceLimits(c: Ctx, path: KeyPath, s: Mapping, network: string): ServiceLimits {
  const proc: LaunchProcess = {};
  const o: ProcessRecord = {};
  capsAndSecurity(c, path, s, proc, o);
  if (s.sysctls !== undefined && s.sysctls !== null) {
    const m = keyValues(c.w, [...path, 'sysctls'], s.sysctls);
    proc.sysctls = Object.entries(m).map(([k, v]) =>
      at(c, [...path, 'sysctls', k], () => parseSysctl(`${k}=${String(v ?? '')}`, network)),
    );
    o.sysctls = Object.fromEntries(proc.sysctls.map((x) => [x.split('=')[0]!, x.slice(x.indexOf('=') + 1)]));
  }
  const ul = ulimits(c, [...path, 'ulimits'], s.ulimits);
  if (ul.length > 0) proc.rlimits = o.ulimits = ul;
  if (asBool(c.w, [...path, 'init'], s.init)) proc.init = o.init = true;
  if (asBool(c.w, [...path, 'read_only'], s.read_only)) proc.readOnly = o.readOnly = true;
  const shm = asString(c.w, [...path, 'shm_size'], s.shm_size);
  if (shm !== undefined) proc.shmSize = o.shmSize = at(c, [...path, 'shm_size'], () => parseBytes('shm_size', shm));
  const groups = strings(c, [...path, 'group_add'], s.group_add);
  if (groups.length > 0) proc.groupAdd = o.groupAdd = groups;
  const sig = asString(c.w, [...path, 'stop_signal'], s.stop_signal);
  if (sig !== undefined) {
    const name = at(c, [...path, 'stop_signal'], () => parseSignal('stop_signal', sig));
    proc.stopSignal = signalNumber(name);
    o.stopSignal = name;
  }
  const grace = asString(c.w, [...path, 'stop_grace_period'], s.stop_grace_period);
  if (grace !== undefined) o.stopTimeout = at(c, [...path, 'stop_grace_period'], () => durationSeconds(grace));
  const out: ServiceLimits = {};
  const r = resources(c, path, s);
  if (r) out.resources = r;
  if (Object.keys(proc).length > 0) out.proc = proc;
  if (Object.keys(o).length > 0) out.options = o;
  return out;
}
