/**
 * The resource-limit and process options of `netctl run` (`--memory`, `--cpus`, `--cap-add`,
 * `--sysctl`, `--init`, `-u NAME`, `--restart on-failure:N`, `--env-file`, `--entrypoint`...)
 * into the request: checked here, applied by the cgroup and the launcher.
 */
import { readFileSync } from 'node:fs';
import type { ImageRecord, LaunchProcess, RunRequest } from '../ops/run.js';
import { UsageError } from '../errors.js';
import { parseBytes, parseResources, type ResourceInput } from '../model/resources.js';
import {
  capabilityMask,
  parseRestart,
  parseSignal,
  parseSysctl,
  parseUlimit,
  parseUser,
  type ProcessRecord,
  signalNumber,
} from '../model/process-options.js';

type Opts = Record<string, unknown>;
const list = (o: Opts, k: string): string[] => (o[k] as string[] | undefined) ?? [];

/** `--env-file`: KEY=VALUE lines; `#` comments and blank lines skipped; a bare KEY takes this environment's value. */
export function readEnvFile(path: string, env: NodeJS.ProcessEnv = process.env): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --env-file "${path}": ${(err as NodeJS.ErrnoException).code}`);
  }
  const out: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '').trimStart();
    if (line === '' || line.startsWith('#')) continue;
    const key = line.split('=')[0]!;
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key.trim()))
      throw new UsageError(`${path}:${i + 1}: invalid variable name "${key}"`);
    if (line.includes('=')) out.push(line);
    else if (env[key] !== undefined) out.push(`${key}=${env[key]}`);
  }
  return out;
}

/** `--label K=V` (or `K`, empty value); `--label-file` is not supported. */
function labelsOf(o: Opts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list(o, 'label')) {
    const eq = l.indexOf('=');
    const k = eq < 0 ? l : l.slice(0, eq);
    if (k.trim() === '') throw new UsageError(`invalid --label "${l}": expected KEY=VALUE`);
    out[k] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return out;
}

function securityOf(o: Opts): { noNewPrivs: boolean } {
  let noNewPrivs = false;
  for (const s of list(o, 'securityOpt')) {
    const m = /^no-new-privileges(?:[:=](true|false))?$/.exec(s);
    if (!m) throw new UsageError(`unsupported --security-opt "${s}"`, 'netctl knows only no-new-privileges[:true]');
    noNewPrivs = m[1] !== 'false';
  }
  return { noNewPrivs };
}

function resourcesOf(o: Opts): RunRequest['resources'] {
  const i: ResourceInput = {};
  for (const k of [
    'memory',
    'memorySwap',
    'memoryReservation',
    'cpus',
    'cpuShares',
    'cpusetCpus',
    'pidsLimit',
  ] as const)
    if (o[k] !== undefined) (i as Record<string, unknown>)[k] = o[k];
  if (o.oomKillDisable) i.oomKillDisable = true;
  const r = parseResources(i);
  return Object.keys(r).length > 0 ? r : undefined;
}

function processOf(o: Opts, network: string): { proc: LaunchProcess; record: ProcessRecord } {
  const record: ProcessRecord = {};
  const proc: LaunchProcess = {};
  const capAdd = list(o, 'capAdd');
  const capDrop = list(o, 'capDrop');
  if (capAdd.length > 0 || capDrop.length > 0 || o.privileged) {
    proc.caps = capabilityMask(capAdd, capDrop, Boolean(o.privileged));
    Object.assign(record, { capAdd, capDrop, ...(o.privileged ? { privileged: true } : {}) });
  }
  if (securityOf(o).noNewPrivs) {
    proc.noNewPrivs = true;
    record.securityOpt = ['no-new-privileges'];
  }
  const sysctls = list(o, 'sysctl').map((s) => parseSysctl(s, network));
  if (sysctls.length > 0) {
    proc.sysctls = sysctls;
    record.sysctls = Object.fromEntries(sysctls.map((s) => [s.split('=')[0]!, s.slice(s.indexOf('=') + 1)]));
  }
  const ulimits = list(o, 'ulimit').map(parseUlimit);
  if (ulimits.length > 0) proc.rlimits = record.ulimits = ulimits;
  if (o.init) proc.init = record.init = true;
  if (o.readOnly) proc.readOnly = record.readOnly = true;
  if (o.shmSize !== undefined) proc.shmSize = record.shmSize = parseBytes('--shm-size', o.shmSize as string);
  const groups = list(o, 'groupAdd');
  if (groups.length > 0) proc.groupAdd = record.groupAdd = groups;
  if (o.stopSignal !== undefined) {
    const sig = parseSignal('--stop-signal', o.stopSignal as string);
    proc.stopSignal = signalNumber(sig);
    record.stopSignal = sig;
  }
  if (o.stopTimeout !== undefined) record.stopTimeout = Number(o.stopTimeout);
  return { proc, record };
}

// Docker: the image's StopSignal unless --stop-signal names one (one it cannot parse: SIGTERM).
function imageStop(o: Opts, image: ImageRecord): { stopSignal?: string } {
  const sig = image.config.stopSignal;
  if (o.stopSignal !== undefined || !sig) return {};
  try {
    return { stopSignal: parseSignal('StopSignal', sig) };
  } catch {
    return {};
  }
}

/**
 * Applies the options to a request `runRequest` built: user (by name too, resolved in the
 * container), restart policy, entrypoint, env files, labels, limits and process options.
 */
export function applyProcessOptions(req: RunRequest, o: Opts, image: ImageRecord, command: string[]): void {
  const user = parseUser((o.user as string | undefined) ?? image.config.user ?? '0');
  req.launch.uid = user.uid;
  req.launch.gid = user.gid;
  const { restart, max } = parseRestart((o.restart as string | undefined) ?? 'no');
  req.launch.restart = restart;
  if (max > 0) req.launch.restartMax = max;
  if (o.entrypoint !== undefined) {
    // Docker: --entrypoint replaces the image's, and drops its CMD unless a command is given.
    const ep = o.entrypoint === '' ? [] : [o.entrypoint as string];
    req.launch.argv = [...ep, ...command];
  }
  const fromFiles = list(o, 'envFile').flatMap((f) => readEnvFile(f));
  if (fromFiles.length > 0) {
    const given = new Set(list(o, 'env').map((e) => e.split('=')[0]));
    const env = new Map(req.launch.env.map((e) => [e.split('=')[0]!, e]));
    for (const e of fromFiles) if (!given.has(e.split('=')[0])) env.set(e.split('=')[0]!, e);
    req.launch.env = [...env.values()];
  }
  const labels = labelsOf(o);
  if (Object.keys(labels).length > 0) req.labels = { ...req.labels, ...labels };
  const resources = resourcesOf(o);
  if (resources) req.resources = resources;
  const { proc, record } = processOf({ ...o, ...imageStop(o, image) }, req.network);
  if (user.byName) proc.user = user.byName;
  if (Object.keys(proc).length > 0) req.launch.proc = proc;
  if (o.restart !== undefined && o.restart !== 'no') record.restartPolicy = o.restart as string;
  if (Object.keys(record).length > 0) req.options = record;
}
