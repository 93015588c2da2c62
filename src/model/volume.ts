/**
 * Volumes as netctl records them, and the mounts a container is made with. Plain data and
 * pure checks: a volume's data lives in `<root>/volumes/<name>/_data` (runtime/volumes.ts).
 */
import { UsageError } from '../errors.js';

/** One volume of the local driver. */
export interface Volume {
  name: string;
  driver: 'local';
  /** The local driver's options: `type`, `device`, `o`. */
  options: Record<string, string>;
  labels: Record<string, string>;
  /** Made for one container (`-v /path`, an image's VOLUME): `rm -v` and prune take it. */
  anonymous: boolean;
  createdAt: string;
}

/** What `volume create` (and a first `-v NAME:/path`) asks for. */
export interface VolumeSpec {
  name: string;
  options?: Record<string, string>;
  labels?: Record<string, string>;
  anonymous?: boolean;
}

/** A mount of a container, as its record keeps it (inspect shows it as Docker's `Mounts`). */
export interface MountRecord {
  type: 'volume' | 'bind' | 'tmpfs';
  /** The volume's name (type volume). */
  name?: string;
  /** The host path bound (empty for tmpfs). */
  source: string;
  target: string;
  readOnly: boolean;
  /** tmpfs: its mount options (`size=64m,mode=1777`). */
  options?: string;
  /** A volume's directory mounted instead of its root (`source` already points into it). */
  subpath?: string;
}

/** A volume subpath as Docker takes it: relative, inside the volume (`filepath.IsLocal`). */
export function checkSubpath(p: string): string {
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  if (p === '' || p.startsWith('/') || p.includes('\0') || parts.includes('..') || parts.length === 0)
    throw new UsageError(`subpath "${p}" must be a relative path within the volume`);
  return parts.join('/');
}

/** A mount as `run` and compose ask for it, before volumes are looked up or made. */
export type MountRequest =
  | { type: 'bind'; source: string; target: string; readOnly: boolean /** make a missing source */; create: boolean }
  | {
      type: 'volume';
      /** Absent: a new anonymous volume. */
      name?: string;
      target: string;
      readOnly: boolean;
      /** Do not fill a new volume from the image. */
      noCopy: boolean;
      /** How to make the volume when it does not exist (`--mount volume-opt=`, compose's top level). */
      create?: Omit<VolumeSpec, 'name'>;
      /** Issue 25: a directory inside the volume mounted instead of its root (it must exist). */
      subpath?: string;
    }
  | { type: 'tmpfs'; target: string; readOnly: boolean; options: string };

/** `--volumes-from CONTAINER[:ro|rw]`. */
export interface VolumesFrom {
  container: string;
  /** Absent: each mount as the other container has it. */
  mode?: 'ro' | 'rw';
}

// Docker's rule: at least two characters.
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A volume name, as Docker takes it. */
export function checkVolumeName(name: string): string {
  if (!NAME.test(name) || name.length > 128)
    throw new UsageError(
      `invalid volume name "${name}": use 2 to 128 letters, digits, "_", "." and "-", starting with a letter or digit`,
    );
  return name;
}

/** A path inside the container: absolute, without "..", not "/". */
export function checkTarget(spec: string, target: string): string {
  if (!target.startsWith('/') || target.split('/').includes('..') || target.replace(/\/+$/, '') === '')
    throw new UsageError(`invalid mount "${spec}": the target "${target}" must be an absolute path other than /`);
  return target.length > 1 ? target.replace(/\/+$/, '') : target;
}

const TMPFS_DATA = /^(size=\d+[kmg%]?|nr_blocks=\d+[kmg]?|nr_inodes=\d+[kmg]?|mode=[0-7]{3,4}|uid=\d+|gid=\d+)$/;
const TMPFS_FLAGS = ['ro', 'rw', 'exec', 'noexec', 'suid', 'nosuid', 'dev', 'nodev', 'atime', 'noatime'];

/** Checks tmpfs mount options (`rw,noexec,size=64m`); returns them normalised, comma-joined. */
export function checkTmpfsOptions(what: string, opts: string): string {
  const items = opts === '' ? [] : opts.split(',');
  for (const o of items)
    if (!TMPFS_DATA.test(o) && !TMPFS_FLAGS.includes(o))
      throw new UsageError(
        `invalid ${what}: unknown tmpfs option "${o}" (size=, mode=, uid=, gid=, nr_inodes=, ro, noexec, nosuid...)`,
      );
  return items.join(',');
}

/** The local driver's options: `type=tmpfs` (`o` its options) or `type=none,o=bind,device=/path`. */
export function checkVolumeOptions(name: string, opts: Record<string, string>): Record<string, string> {
  for (const k of Object.keys(opts))
    if (!['type', 'device', 'o'].includes(k))
      throw new UsageError(`volume "${name}": unknown option "${k}" of the local driver (type, device, o)`);
  const type = opts.type;
  if (type === undefined) {
    if (opts.device !== undefined || opts.o !== undefined)
      throw new UsageError(`volume "${name}": device and o need a type (tmpfs, or none with o=bind)`);
    return opts;
  }
  if (type === 'tmpfs') {
    checkTmpfsOptions(`volume "${name}" option o`, opts.o ?? '');
    return opts;
  }
  if (type === 'none' || type === 'bind') {
    const o = (opts.o ?? '').split(',');
    if (!o.includes('bind') && !o.includes('rbind'))
      throw new UsageError(`volume "${name}": type ${type} needs o=bind (a directory bound as the volume)`);
    if (!opts.device?.startsWith('/'))
      throw new UsageError(`volume "${name}": o=bind needs device=/an/absolute/host/path`);
    return opts;
  }
  throw new UsageError(
    `volume "${name}": type "${type}" is not supported by netctl's local driver (tmpfs, or none with o=bind)`,
  );
}
