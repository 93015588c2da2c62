/**
 * Volumes in a compose file: the top-level `volumes:` (named, external, the local driver's
 * `driver_opts`, labels) and a service's `volumes` (short and long syntax), `tmpfs` and
 * `volumes_from`. Bind sources are made when missing, as compose makes them (unless the
 * long syntax says `create_host_path: false`). Pure.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ComposeMount, ComposeVolume, KeyPath, Mapping, Value } from './types.js';
import { asList, asMapping } from './parse.js';
import { asString, stringMap } from './model-network.js';
import type { Where } from './where.js';
import { isHostPath, parseModes, parseTmpfsFlag } from '../model/mount-spec.js';
import {
  checkSubpath,
  checkTarget,
  checkTmpfsOptions,
  checkVolumeName,
  checkVolumeOptions,
  type VolumesFrom,
} from '../model/volume.js';
import { NetctlError } from '../errors.js';

/** What building a service's mounts needs. */
export interface MountContext {
  w: Where;
  project: string;
  workingDir: string;
  volumes: readonly ComposeVolume[];
  /** Service name to container name. */
  containers: ReadonlyMap<string, string>;
  warnings: string[];
}

function at<T>(w: Where, path: KeyPath, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof NetctlError && !err.message.includes(': services.')) throw w.error(path, err.message);
    throw err;
  }
}

/** Top-level volume KEY of project PROJECT. */
export function composeVolume(w: Where, project: string, key: string, raw: Value): ComposeVolume {
  const path = ['volumes', key];
  const m = asMapping(w, path, raw);
  const driver = asString(w, [...path, 'driver'], m.driver);
  if (driver !== undefined && driver !== 'local')
    throw w.error([...path, 'driver'], `volume driver "${driver}" is not supported (only "local")`);
  const ext = m.external;
  const external = ext === true || (typeof ext === 'object' && ext !== null);
  const extName =
    typeof ext === 'object' && ext !== null && !Array.isArray(ext)
      ? asString(w, [...path, 'external', 'name'], ext.name)
      : undefined;
  const name = asString(w, [...path, 'name'], m.name) ?? extName ?? (external ? key : `${project}_${key}`);
  at(w, [...path, 'name'], () => checkVolumeName(name));
  const options = stringMap(w, [...path, 'driver_opts'], m.driver_opts);
  if (external && (m.driver_opts !== undefined || m.labels !== undefined))
    throw w.error([...path, 'external'], 'an external volume takes no driver_opts or labels (it is made elsewhere)');
  at(w, [...path, 'driver_opts'], () => checkVolumeOptions(name, options));
  return { key, name, external, options, labels: stringMap(w, [...path, 'labels'], m.labels) };
}

function hostPath(c: MountContext, source: string): string {
  const home = process.env.HOME ?? '/root';
  return source.startsWith('~') ? home + source.slice(1) : resolve(c.workingDir, source);
}

function volumeRef(c: MountContext, path: KeyPath, key: string): ComposeVolume {
  const v = c.volumes.find((x) => x.key === key);
  if (!v) throw c.w.error(path, `volume "${key}" is not defined under the top-level volumes`);
  return v;
}

function shortMount(c: MountContext, path: KeyPath, item: string): ComposeMount {
  const parts = item.split(':');
  if (parts.length > 3 || parts.some((p) => p === ''))
    throw c.w.error(path, `"${item}": expected [SOURCE:]TARGET[:MODES]`);
  if (parts.length === 1)
    return { type: 'volume', target: at(c.w, path, () => checkTarget(item, item)), readOnly: false, noCopy: false };
  const [source, rawTarget, list] = parts as [string, string, string | undefined];
  const target = at(c.w, path, () => checkTarget(item, rawTarget));
  const isVolume = !isHostPath(source) && !isAbsolute(source);
  const m = at(c.w, path, () => parseModes(item, list, isVolume));
  for (const n of m.notes) c.warnings.push(c.w.warning(path, n));
  if (!isVolume) return { type: 'bind', source: hostPath(c, source), target, readOnly: m.readOnly, create: true };
  const v = volumeRef(c, path, source);
  return { type: 'volume', name: v.name, key: v.key, target, readOnly: m.readOnly, noCopy: m.noCopy };
}

function longMount(c: MountContext, path: KeyPath, m: Mapping): ComposeMount {
  const type = asString(c.w, [...path, 'type'], m.type) ?? 'volume';
  const rawTarget = asString(c.w, [...path, 'target'], m.target);
  if (rawTarget === undefined) throw c.w.error(path, 'a volume needs a target');
  const target = at(c.w, [...path, 'target'], () => checkTarget(rawTarget, rawTarget));
  const source = asString(c.w, [...path, 'source'], m.source);
  const readOnly = m.read_only === true;
  const sub = (k: string): Mapping => asMapping(c.w, [...path, k], m[k] ?? null);
  if (type === 'bind') {
    if (!source) throw c.w.error([...path, 'source'], 'a bind mount needs a source');
    const b = sub('bind');
    const prop = asString(c.w, [...path, 'bind', 'propagation'], b.propagation);
    if (prop !== undefined && prop !== 'rprivate' && prop !== 'private')
      throw c.w.error(
        [...path, 'bind', 'propagation'],
        `propagation "${prop}" is not supported (netctl's mounts are private)`,
      );
    if (b.selinux !== undefined)
      c.warnings.push(c.w.warning([...path, 'bind', 'selinux'], 'relabels nothing: netctl sets no SELinux labels'));
    return { type, source: hostPath(c, source), target, readOnly, create: b.create_host_path !== false };
  }
  if (type === 'tmpfs') {
    const t = sub('tmpfs');
    const size = asString(c.w, [...path, 'tmpfs', 'size'], t.size);
    const mode = asString(c.w, [...path, 'tmpfs', 'mode'], t.mode);
    const opts = [
      size && `size=${/^\d+$/.test(size) ? size : size.toLowerCase().replace(/b$/, '')}`,
      mode && `mode=${typeof t.mode === 'number' ? t.mode.toString(8) : mode}`,
    ];
    const options = at(c.w, [...path, 'tmpfs'], () => checkTmpfsOptions('tmpfs', opts.filter(Boolean).join(',')));
    return { type, target, readOnly, options };
  }
  if (type !== 'volume')
    throw c.w.error([...path, 'type'], `volume type "${type}" is not supported (bind, volume, tmpfs)`);
  const noCopy = sub('volume').nocopy === true;
  const subpath = asString(c.w, [...path, 'volume', 'subpath'], sub('volume').subpath);
  if (!source) {
    if (subpath !== undefined) throw c.w.error([...path, 'volume', 'subpath'], 'a subpath needs a named volume');
    return { type, target, readOnly, noCopy };
  }
  const v = volumeRef(c, [...path, 'source'], source);
  const sp =
    subpath === undefined ? {} : { subpath: at(c.w, [...path, 'volume', 'subpath'], () => checkSubpath(subpath)) };
  return { type, name: v.name, key: v.key, target, readOnly, noCopy, ...sp };
}

/** A service's `volumes` and `tmpfs`. */
export function serviceMounts(c: MountContext, path: KeyPath, s: Mapping): ComposeMount[] {
  const out = asList(c.w, [...path, 'volumes'], s.volumes ?? null).map((item, i) =>
    typeof item === 'string'
      ? shortMount(c, [...path, 'volumes', i], item)
      : longMount(c, [...path, 'volumes', i], asMapping(c.w, [...path, 'volumes', i], item)),
  );
  const tmpfs =
    s.tmpfs === undefined || s.tmpfs === null
      ? []
      : typeof s.tmpfs === 'string'
        ? [s.tmpfs]
        : asList(c.w, [...path, 'tmpfs'], s.tmpfs);
  tmpfs.forEach((t, i) =>
    out.push(at(c.w, [...path, 'tmpfs', ...(typeof s.tmpfs === 'string' ? [] : [i])], () => parseTmpfsFlag(String(t)))),
  );
  const seen = new Set<string>();
  for (const [i, m] of out.entries()) {
    if (seen.has(m.target)) throw c.w.error([...path, 'volumes', i], `two mounts at "${m.target}"`);
    seen.add(m.target);
  }
  return out;
}

/** A service's `volumes_from`: `SERVICE[:ro|rw]` or `container:NAME[:ro|rw]`. */
export function serviceVolumesFrom(
  c: MountContext,
  path: KeyPath,
  s: Mapping,
): { from: VolumesFrom[]; services: string[] } {
  const from: VolumesFrom[] = [];
  const services: string[] = [];
  asList(c.w, [...path, 'volumes_from'], s.volumes_from ?? null).forEach((item, i) => {
    const parts = String(item).split(':');
    const isContainer = parts[0] === 'container';
    const [name = '', mode, extra] = isContainer ? parts.slice(1) : parts;
    const container = isContainer ? name : c.containers.get(name);
    if (!container || extra !== undefined || (mode !== undefined && mode !== 'ro' && mode !== 'rw'))
      throw c.w.error(
        [...path, 'volumes_from', i],
        `"${String(item)}": expected SERVICE[:ro|rw] naming a service of this project, or container:NAME[:ro|rw]`,
      );
    if (!isContainer) services.push(name);
    from.push(mode ? { container, mode } : { container });
  });
  return { from, services };
}
