/**
 * The launcher's run config (native/launcher/config.c): NUL-terminated fields, the magic
 * `netctl-launcher/1` first, then `key value` records; `bind` takes three values
 * (source, target, `ro`|`rw`), `tmpfs` three (target, options, `ro`|`rw`). Pure.
 */
import { InternalError, UsageError } from '../errors.js';
import { encodeProc, type LaunchProcess } from './launcher-proc.js';

/** A bind mount into the container. */
export interface BindMount {
  /** Absolute host path. */
  source: string;
  /** Absolute path inside the container. */
  target: string;
  readOnly: boolean;
  /** A tmpfs instead of a bind (source unused): its mount options, `noexec,size=64m`. */
  tmpfs?: string;
}

/** Restart policies, as `--restart` spells them. */
export type RestartPolicy = 'no' | 'on-failure' | 'always';

/** Everything the launcher needs to start and watch one container. */
export interface LaunchSpec {
  /** `host`, or the path of a network namespace to join (`/run/netns/x`, `/proc/PID/ns/net`). */
  netns: string;
  /** The container's root directory (see rootfs.ts). */
  rootfs: string;
  hostname: string;
  /** `KEY=VALUE`, complete: the launcher adds nothing. */
  env: string[];
  uid: number;
  gid: number;
  /** Absolute; created when missing. */
  cwd: string;
  argv: string[];
  /** Volumes, and the files prepared for /etc/hosts, /etc/resolv.conf, /etc/hostname. */
  binds: BindMount[];
  logPath: string;
  statePath: string;
  restart: RestartPolicy;
  /** With on-failure: at most this many restarts (0: no limit). */
  restartMax?: number;
  tty: boolean;
  /** Keep stdin open (attached mode). */
  interactive: boolean;
  /** Run when the container is gone for good, e.g. `netctl rm` for `--rm`. */
  cleanup?: string[];
  /** Process options and limits (cgroups, capabilities, sysctls, ulimits, init...). */
  proc?: LaunchProcess;
  /** Detached: the unix socket `netctl attach` connects to (native/launcher/attach.c). */
  attachSocket?: string;
  /** Wait for the first attach client before starting (`start -a`). */
  attachWait?: boolean;
}

const MAGIC = 'netctl-launcher/1';

function field(name: string, v: string): string {
  if (v.includes('\0')) throw new UsageError(`${name} must not contain a NUL byte`);
  return v;
}

function absolute(name: string, p: string): string {
  if (!p.startsWith('/')) throw new InternalError(`launcher config: ${name} "${p}" is not absolute`);
  return field(name, p);
}

function containerPath(name: string, p: string): string {
  if (!p.startsWith('/') || p.split('/').includes('..'))
    throw new UsageError(`invalid ${name} "${p}": must be an absolute path without ".."`);
  return field(name, p);
}

function id(name: string, n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new UsageError(`invalid ${name} ${n}`);
  return String(n);
}

/** Encodes a spec; `attach` makes the launcher also copy output to its own stdout/stderr. */
export function encodeLaunchConfig(spec: LaunchSpec, attach: boolean): Buffer {
  if (spec.argv.length === 0 || spec.argv[0] === '')
    throw new UsageError('no command to run', 'give one after the image, or use an image with a default command');
  if (spec.netns !== 'host') absolute('netns', spec.netns);
  const rec: string[] = [
    MAGIC,
    'netns',
    field('netns', spec.netns),
    'rootfs',
    absolute('rootfs', spec.rootfs),
    'hostname',
    field('hostname', spec.hostname),
    'cwd',
    containerPath('working directory', spec.cwd),
    'log',
    absolute('log', spec.logPath),
    'state',
    absolute('state', spec.statePath),
    'uid',
    id('uid', spec.uid),
    'gid',
    id('gid', spec.gid),
    'restart',
    spec.restart,
    'restart-max',
    id('restart count', spec.restartMax ?? 0),
    'tty',
    spec.tty ? '1' : '0',
    'interactive',
    spec.interactive ? '1' : '0',
    'attach',
    attach ? '1' : '0',
  ];
  for (const e of spec.env) rec.push('env', field('environment variable', e));
  for (const a of spec.argv) rec.push('arg', field('argument', a));
  for (const b of spec.binds)
    if (b.tmpfs !== undefined)
      rec.push(
        'tmpfs',
        containerPath('tmpfs target', b.target),
        field('tmpfs options', b.tmpfs),
        b.readOnly ? 'ro' : 'rw',
      );
    else
      rec.push(
        'bind',
        absolute('volume source', b.source),
        containerPath('volume target', b.target),
        b.readOnly ? 'ro' : 'rw',
      );
  for (const a of spec.cleanup ?? []) rec.push('cleanup', field('cleanup argument', a));
  if (spec.attachSocket && !attach) rec.push('attach-socket', absolute('attach socket', spec.attachSocket));
  if (spec.attachWait && spec.attachSocket && !attach) rec.push('attach-wait', '1');
  rec.push(...encodeProc(spec.proc));
  return Buffer.from(rec.map((f) => `${f}\0`).join(''), 'utf8');
}

/** Parses a `-v HOST:CTR[:ro|rw]` volume spec. Relative host paths are refused, as named volumes do not exist. */
export function parseVolume(spec: string): BindMount {
  const parts = spec.split(':');
  const mode = parts.length === 3 ? parts[2] : undefined;
  if (parts.length < 2 || parts.length > 3 || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) {
    throw new UsageError(`invalid volume "${spec}": expected HOST:CONTAINER[:ro]`);
  }
  const [source, target] = parts as [string, string];
  if (!source.startsWith('/'))
    throw new UsageError(`invalid volume "${spec}": the host path must be absolute (named volumes are not supported)`);
  containerPath('volume target', target);
  return { source, target, readOnly: mode === 'ro' };
}
