/**
 * The launcher config's records for process options and limits (native/launcher/process.c):
 * the cgroups to join, rlimits, sysctls, capabilities, user by name, init, read-only root,
 * /dev/shm's size. Pure.
 */
import { InternalError, UsageError } from '../errors.js';

/** Process options and limits of a launch; every field optional (absent: Docker's default). */
export interface LaunchProcess {
  /** `cgroup.procs` files the container joins first (made by runtime/cgroup.ts). */
  cgroups?: string[];
  /** The memory cgroup's file with its `oom_kill` count, for `OOMKilled`. */
  oomFile?: string;
  /** `NAME=SOFT:HARD`, see model/process-options.ts parseUlimit. */
  rlimits?: string[];
  /** `name=value`, namespaced ones only. */
  sysctls?: string[];
  /** Supplementary groups, names or numbers, resolved in the container. */
  groupAdd?: string[];
  /** `NAME[:GROUP]` to resolve in the container's /etc/passwd (numbers go in uid/gid). */
  user?: string;
  /** The capability mask, hex (absent: Docker's default set). */
  caps?: string;
  noNewPrivs?: boolean;
  init?: boolean;
  readOnly?: boolean;
  /** Bytes. */
  shmSize?: number;
  /** The signal number `stop` sends (default SIGTERM). */
  stopSignal?: number;
}

function value(name: string, v: string): string {
  if (v.includes('\0')) throw new UsageError(`${name} must not contain a NUL byte`);
  return v;
}

/** The config records (key, value, key, value...) of P. */
export function encodeProc(p: LaunchProcess | undefined): string[] {
  if (!p) return [];
  const rec: string[] = [];
  for (const c of p.cgroups ?? []) {
    if (!c.startsWith('/')) throw new InternalError(`launcher config: cgroup "${c}" is not absolute`);
    rec.push('cgroup', value('cgroup', c));
  }
  if (p.oomFile) rec.push('oom-file', value('oom file', p.oomFile));
  for (const r of p.rlimits ?? []) rec.push('rlimit', value('ulimit', r));
  for (const s of p.sysctls ?? []) rec.push('sysctl', value('sysctl', s));
  for (const g of p.groupAdd ?? []) rec.push('group-add', value('group', g));
  if (p.user) rec.push('user', value('user', p.user));
  if (p.caps !== undefined) {
    if (!/^[0-9a-f]{1,16}$/.test(p.caps)) throw new InternalError(`launcher config: caps "${p.caps}" is not hex`);
    rec.push('caps', p.caps);
  }
  if (p.noNewPrivs) rec.push('no-new-privs', '1');
  if (p.init) rec.push('init', '1');
  if (p.readOnly) rec.push('read-only', '1');
  if (p.shmSize) rec.push('shm-size', String(p.shmSize));
  if (p.stopSignal) rec.push('stop-signal', String(p.stopSignal));
  return rec;
}
