/**
 * Process options of a container as Docker spells them: capabilities, sysctls, ulimits,
 * stop signal, user. Pure parsing and checking; the launcher applies the result.
 */
import { UsageError } from '../errors.js';

/** Linux capabilities by number (linux/capability.h). */
export const CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
] as const;

/** Docker's default set (moby's oci/caps/defaults.go). */
export const DEFAULT_CAPS: readonly string[] = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
];

function capName(v: string): string {
  const n = v.trim().toUpperCase().replace(/^CAP_/, '');
  if (n !== 'ALL' && !(CAPABILITIES as readonly string[]).includes(n))
    throw new UsageError(`invalid capability "${v}"`, 'names as in capabilities(7), e.g. NET_ADMIN or CAP_NET_ADMIN');
  return n;
}

/**
 * The capability set as Docker computes it: the default set (every capability with
 * `privileged` or `--cap-add ALL`), then the drops, then the adds. A bit mask, as hex.
 */
export function capabilityMask(add: readonly string[], drop: readonly string[], privileged = false): string {
  const adds = add.map(capName);
  const drops = drop.map(capName);
  let set = new Set<string>(privileged || adds.includes('ALL') ? CAPABILITIES : DEFAULT_CAPS);
  if (drops.includes('ALL')) set = new Set();
  for (const d of drops) set.delete(d);
  for (const a of adds) if (a !== 'ALL') set.add(a);
  if (privileged) set = new Set(CAPABILITIES);
  let mask = 0n;
  for (const c of set) mask |= 1n << BigInt(CAPABILITIES.indexOf(c as (typeof CAPABILITIES)[number]));
  return mask.toString(16);
}

/** The names of the capabilities in a mask. */
export function capabilityNames(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return CAPABILITIES.filter((_, i) => (mask >> BigInt(i)) & 1n).map((c) => `CAP_${c}`);
}

// The sysctls a container's own namespaces hold (runc's validation): the rest belong to the host.
const IPC_SYSCTLS = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall'];
const IPC_SYSCTLS_MORE = ['kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced'];

/** Checks one `--sysctl NAME=VALUE`; returns it as `name=value`. */
export function parseSysctl(spec: string, network: string): string {
  const eq = spec.indexOf('=');
  const name = eq > 0 ? spec.slice(0, eq).trim().replace(/\//g, '.') : '';
  if (!/^[a-z0-9_]+(\.[a-zA-Z0-9_-]+)+$/.test(name) || spec.slice(eq + 1).includes('\n'))
    throw new UsageError(`invalid --sysctl "${spec}": expected NAME=VALUE`);
  const ipc = [...IPC_SYSCTLS, ...IPC_SYSCTLS_MORE].includes(name) || name.startsWith('fs.mqueue.');
  if (!ipc && !name.startsWith('net.'))
    throw new UsageError(
      `sysctl "${name}" is not namespaced: it would change the host`,
      'only net.*, kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.* are per container',
    );
  if (name.startsWith('net.') && network === 'host')
    throw new UsageError(`sysctl "${name}" cannot be set with --network host: the namespace is the host's`);
  return `${name}=${spec.slice(eq + 1).trim()}`;
}

/** Resource names of `--ulimit` (Docker's, from setrlimit(2)). */
export const ULIMITS = [
  'as',
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
];

/** `nofile=1024[:2048]` (-1: unlimited) to the launcher's `nofile=1024:2048`. */
export function parseUlimit(spec: string): string {
  const m = /^([a-z]+)=(-1|\d+)(?::(-1|\d+))?$/.exec(spec.trim());
  if (!m || !ULIMITS.includes(m[1]!))
    throw new UsageError(
      `invalid --ulimit "${spec}": expected NAME=SOFT[:HARD] with NAME one of ${ULIMITS.join(', ')}`,
    );
  const soft = m[2]!;
  const hard = m[3] ?? soft;
  const big = (x: string): bigint => (x === '-1' ? 2n ** 64n : BigInt(x));
  if (big(soft) > big(hard)) throw new UsageError(`invalid --ulimit "${spec}": the soft limit is above the hard one`);
  return `${m[1]}=${soft}:${hard}`;
}

const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  TERM: 15,
  CONT: 18,
  STOP: 19,
  WINCH: 28,
  PWR: 30,
};

/** `SIGQUIT`, `QUIT` or `3` to its name, `SIGQUIT`. */
export function parseSignal(what: string, v: string): NodeJS.Signals {
  const t = v.trim().toUpperCase().replace(/^SIG/, '');
  const byNum = Object.entries(SIGNALS).find(([, n]) => String(n) === t)?.[0];
  const name = byNum ?? (t in SIGNALS ? t : undefined);
  if (!name) throw new UsageError(`invalid ${what} "${v}": expected a signal such as SIGTERM, SIGQUIT or 3`);
  return `SIG${name}` as NodeJS.Signals;
}

/** `-u` as given: UID[:GID] in numbers, or with a name to resolve in the image's files. */
export function parseUser(spec: string): { uid: number; gid: number; byName?: string } {
  const m = /^(\d+)(?::(\d+))?$/.exec(spec);
  if (m) return { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
  if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*(:[A-Za-z0-9_.][A-Za-z0-9_.-]*)?$/.test(spec))
    throw new UsageError(`invalid --user "${spec}": give NAME|UID[:GROUP|GID]`);
  return { uid: 0, gid: 0, byName: spec };
}

/** The number of a signal `parseSignal` returned. */
export function signalNumber(name: NodeJS.Signals): number {
  return SIGNALS[name.replace(/^SIG/, '')] ?? 15;
}

/** The process options of a container as given, kept in its record for `inspect` and `stop`. */
export interface ProcessRecord {
  /** `no`, `always`, `unless-stopped` or `on-failure[:N]`. */
  restartPolicy?: string;
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  securityOpt?: string[];
  sysctls?: Record<string, string>;
  ulimits?: string[];
  readOnly?: boolean;
  init?: boolean;
  shmSize?: number;
  groupAdd?: string[];
  stopSignal?: string;
  /** Seconds `stop` waits before SIGKILL when not told. */
  stopTimeout?: number;
}

/** `--restart`: the launcher's policy and its count; `unless-stopped` restarts as `always`. */
export function parseRestart(v: string): { restart: 'no' | 'on-failure' | 'always'; max: number } {
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(v);
  if (!m || (m[2] !== undefined && m[1] !== 'on-failure'))
    throw new UsageError(`invalid --restart "${v}": no, always, unless-stopped or on-failure[:N]`);
  const restart = m[1] === 'unless-stopped' ? 'always' : (m[1] as 'no' | 'on-failure' | 'always');
  return { restart, max: m[2] !== undefined ? Number(m[2]) : 0 };
}
