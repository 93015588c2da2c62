/**
 * The mount options of `run` (`-v`, `--mount`, `--tmpfs`, `--volumes-from`) and compose's
 * short volume syntax, parsed as Docker parses them. Pure: relative bind sources come back
 * resolved against the `cwd` given.
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import {
  checkSubpath,
  checkTarget,
  checkTmpfsOptions,
  checkVolumeName,
  type MountRequest,
  type VolumesFrom,
} from './volume.js';

/** A parsed mount and what the user should be told about it. */
export interface ParsedMount {
  mount: MountRequest;
  /** E.g. that `:Z` relabels nothing. */
  notes: string[];
}

/** What `:Z` and `:z` do here: nothing, said once per mount. */
export const RELABEL_NOTE = 'relabels nothing: netctl sets no SELinux labels (accepted, as on a host without SELinux)';

const PROPAGATION_OK = ['rprivate', 'private'];
const PROPAGATION = ['shared', 'rshared', 'slave', 'rslave', ...PROPAGATION_OK];
const CONSISTENCY = ['consistent', 'cached', 'delegated'];

interface Modes {
  readOnly: boolean;
  noCopy: boolean;
  notes: string[];
}

/** The comma list after the second colon: `ro`, `rw`, `z`, `Z`, `nocopy`, a propagation, a consistency. */
export function parseModes(spec: string, list: string | undefined, isVolume: boolean): Modes {
  const out: Modes = { readOnly: false, noCopy: false, notes: [] };
  if (list === undefined) return out;
  const seen = new Set<string>();
  for (const m of list.split(',')) {
    const kind =
      m === 'ro' || m === 'rw' ? 'rw' : m === 'z' || m === 'Z' ? 'label' : PROPAGATION.includes(m) ? 'prop' : m;
    if (seen.has(kind)) throw new UsageError(`invalid volume "${spec}": mode "${list}" repeats or contradicts itself`);
    seen.add(kind);
    if (m === 'ro') out.readOnly = true;
    else if (m === 'z' || m === 'Z') out.notes.push(`volume "${spec}": :${m} ${RELABEL_NOTE}`);
    else if (m === 'nocopy' && isVolume) out.noCopy = true;
    else if (PROPAGATION.includes(m) && !PROPAGATION_OK.includes(m))
      throw new UsageError(
        `invalid volume "${spec}": propagation "${m}" is not supported (netctl's mounts are private)`,
      );
    else if (m !== 'rw' && !PROPAGATION_OK.includes(m) && !CONSISTENCY.includes(m))
      throw new UsageError(
        `invalid volume "${spec}": unknown mode "${m}" (ro, rw, z, Z${isVolume ? ', nocopy' : ''}, rprivate)`,
      );
  }
  return out;
}

/** Whether a `-v` source is a host path rather than a volume name. */
export function isHostPath(source: string): boolean {
  return /^[./~]/.test(source);
}

/**
 * `-v [SOURCE:]TARGET[:MODES]`: SOURCE a host path (absolute, or relative to `cwd`: `./x`,
 * `~/x`) or a volume name; no SOURCE: an anonymous volume. A missing host directory is
 * made, as Docker's `-v` does (`createBind`); `--mount` refuses it instead.
 */
export function parseVolumeFlag(spec: string, cwd: string, home: string, createBind = true): ParsedMount {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p, i) => p === '' && i < 2))
    throw new UsageError(`invalid volume "${spec}": expected [SOURCE:]TARGET[:MODES]`);
  if (parts.length === 1) {
    const target = checkTarget(spec, parts[0]!);
    return { mount: { type: 'volume', target, readOnly: false, noCopy: false }, notes: [] };
  }
  const [source, rawTarget, list] = parts as [string, string, string | undefined];
  const target = checkTarget(spec, rawTarget);
  if (isHostPath(source)) {
    const m = parseModes(spec, list, false);
    const abs = source.startsWith('~') ? home + source.slice(1) : resolve(cwd, source);
    return { mount: { type: 'bind', source: abs, target, readOnly: m.readOnly, create: createBind }, notes: m.notes };
  }
  checkVolumeName(source);
  const m = parseModes(spec, list, true);
  return { mount: { type: 'volume', name: source, target, readOnly: m.readOnly, noCopy: m.noCopy }, notes: m.notes };
}

const MOUNT_KEYS = [
  'type',
  'source',
  'src',
  'target',
  'destination',
  'dst',
  'readonly',
  'ro',
  'volume-nocopy',
  'volume-subpath',
  'volume-opt',
  'volume-label',
  'volume-driver',
  'tmpfs-size',
  'tmpfs-mode',
  'bind-propagation',
  'bind-recursive',
  'consistency',
];

function boolOf(spec: string, key: string, v: string | undefined): boolean {
  if (v === undefined || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new UsageError(`invalid --mount "${spec}": ${key}="${v}" is not true or false`);
}

function fieldsOf(spec: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const item of spec.split(',')) {
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    if (!MOUNT_KEYS.includes(key))
      throw new UsageError(`invalid --mount "${spec}": unknown key "${key}"`, `keys: ${MOUNT_KEYS.join(', ')}`);
    out.set(key, [...(out.get(key) ?? []), ...(eq < 0 ? [] : [item.slice(eq + 1)])]);
  }
  return out;
}

function keyValues(spec: string, items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of items) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid --mount "${spec}": "${kv}" is not KEY=VALUE`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

function tmpfsOf(spec: string, f: Map<string, string[]>): string {
  const size = f.get('tmpfs-size')?.at(-1);
  const mode = f.get('tmpfs-mode')?.at(-1);
  if (size !== undefined && !/^\d+[kmg]?$/i.test(size))
    throw new UsageError(`invalid --mount "${spec}": tmpfs-size "${size}" is not a size`);
  if (mode !== undefined && !/^[0-7]{3,4}$/.test(mode))
    throw new UsageError(`invalid --mount "${spec}": tmpfs-mode "${mode}" is not an octal mode`);
  return [size && `size=${size.toLowerCase()}`, mode && `mode=${mode}`].filter(Boolean).join(',');
}

/** `--mount type=bind|volume|tmpfs,source=...,target=...[,readonly][,...]`: a bind's source must exist. */
export function parseMountFlag(spec: string, cwd: string): MountRequest {
  const f = fieldsOf(spec);
  const last = (k: string): string | undefined => f.get(k)?.at(-1);
  const type = last('type') ?? 'volume';
  const rawTarget = last('target') ?? last('destination') ?? last('dst');
  if (rawTarget === undefined) throw new UsageError(`invalid --mount "${spec}": target is required`);
  const target = checkTarget(spec, rawTarget);
  const source = last('source') ?? last('src');
  const readOnly = f.has('readonly') || f.has('ro') ? boolOf(spec, 'readonly', last('readonly') ?? last('ro')) : false;
  const prop = last('bind-propagation');
  if (prop !== undefined && !PROPAGATION_OK.includes(prop))
    throw new UsageError(`invalid --mount "${spec}": bind-propagation "${prop}" is not supported (rprivate)`);
  const driver = last('volume-driver');
  if (driver !== undefined && driver !== 'local')
    throw new UsageError(`invalid --mount "${spec}": volume driver "${driver}" is not supported (local)`);
  if (type === 'bind') {
    if (!source) throw new UsageError(`invalid --mount "${spec}": a bind needs source`);
    return { type, source: resolve(cwd, source), target, readOnly, create: false };
  }
  if (type === 'tmpfs') {
    if (source) throw new UsageError(`invalid --mount "${spec}": a tmpfs takes no source`);
    return { type, target, readOnly, options: checkTmpfsOptions(`--mount "${spec}"`, tmpfsOf(spec, f)) };
  }
  if (type !== 'volume') throw new UsageError(`invalid --mount "${spec}": type "${type}" is not bind, volume or tmpfs`);
  const m: MountRequest = {
    type,
    target,
    readOnly,
    noCopy: f.has('volume-nocopy') ? boolOf(spec, 'volume-nocopy', last('volume-nocopy')) : false,
  };
  if (source) m.name = checkVolumeName(source);
  const sub = last('volume-subpath');
  if (sub !== undefined) {
    if (!source) throw new UsageError(`invalid --mount "${spec}": volume-subpath needs a named volume`);
    m.subpath = checkSubpath(sub);
  }
  const options = keyValues(spec, f.get('volume-opt') ?? []);
  const labels = keyValues(spec, f.get('volume-label') ?? []);
  if (Object.keys(options).length + Object.keys(labels).length > 0) m.create = { options, labels };
  return m;
}

/** `--tmpfs TARGET[:OPTIONS]`. */
export function parseTmpfsFlag(spec: string): MountRequest {
  const colon = spec.indexOf(':');
  const target = checkTarget(spec, colon < 0 ? spec : spec.slice(0, colon));
  const options = checkTmpfsOptions(`--tmpfs "${spec}"`, colon < 0 ? '' : spec.slice(colon + 1));
  const flags = options.split(',');
  return { type: 'tmpfs', target, readOnly: flags.includes('ro'), options };
}

/** `--volumes-from CONTAINER[:ro|rw]`. */
export function parseVolumesFrom(spec: string): VolumesFrom {
  const [container = '', mode, extra] = spec.split(':');
  if (!container || extra !== undefined || (mode !== undefined && mode !== 'ro' && mode !== 'rw'))
    throw new UsageError(`invalid --volumes-from "${spec}": expected CONTAINER[:ro|rw]`);
  return mode ? { container, mode } : { container };
}
