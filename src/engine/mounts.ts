/**
 * A new container's mounts, planned under the lock before `run` records it: volumes from
 * other containers (`--volumes-from`) first, then the mounts asked for (replacing those at
 * the same target), then an anonymous volume for each of the image's VOLUMEs nothing else
 * covers. Named volumes missing are made (as `docker run -v NAME:/path` does), anonymous
 * ones get a fresh name; a new or empty volume is filled from the image's files at its
 * target unless `nocopy`. The result is the binds the launcher makes, in path order, and
 * the mounts the container's record keeps.
 */
import { stat } from 'node:fs/promises';
import type { Engine } from './context.js';
import type { Step } from '../model/steps.js';
import { checkSubpath, type MountRecord, type MountRequest, type VolumesFrom } from '../model/volume.js';
import type { BindMount } from '../runtime/launcher-config.js';
import { checkSubpathIn, fillFromImage, readyVolume, volumeSource } from '../runtime/volumes.js';
import { anonymousName, makeDirStep, planCreateVolume } from './volumes.js';
import { NotFoundError, UsageError } from '../errors.js';
import { mkdir } from 'node:fs/promises';

/** What the mounts of a new container need. */
export interface MountInput {
  imageId: string;
  /** The image's VOLUMEs. */
  imageVolumes: readonly string[];
  mounts: readonly MountRequest[];
  volumesFrom: readonly VolumesFrom[];
}

/** The planned mounts. */
export interface PlannedMounts {
  binds: BindMount[];
  records: MountRecord[];
  /** Before the launch: directories made, tmpfs volumes mounted, new volumes filled. */
  steps: Step[];
  notes: string[];
}

const depth = (p: string): number => p.split('/').filter(Boolean).length;

/** The mounts container REF has, as its record keeps them. */
export function mountsOf(engine: Engine, ref: string): MountRecord[] {
  const c = engine.store.containers.get(ref);
  if (!c) throw new NotFoundError('container', ref, 'give --volumes-from a container that exists (running or not)');
  return ((c.config as { mounts?: MountRecord[] }).mounts ?? []).filter((m) => m.type !== 'tmpfs');
}

function fromOthers(engine: Engine, from: readonly VolumesFrom[]): Map<string, MountRecord> {
  const out = new Map<string, MountRecord>();
  for (const f of from)
    for (const m of mountsOf(engine, f.container))
      out.set(m.target, { ...m, readOnly: f.mode ? f.mode === 'ro' : m.readOnly });
  return out;
}

async function checkBind(m: Extract<MountRequest, { type: 'bind' }>): Promise<boolean> {
  const st = await stat(m.source).catch(() => undefined);
  if (st) return false;
  if (!m.create) throw new UsageError(`invalid mount "${m.source}:${m.target}": bind source path does not exist`);
  return true;
}

/** The record of a volume mount, the volume recorded first when it is new (named, or anonymous without a name). */
function volumeRecord(engine: Engine, m: Extract<MountRequest, { type: 'volume' }>, notes: string[]): MountRecord {
  const s = engine.store;
  const name = m.name ?? anonymousName(engine);
  const have = s.volumes.get(name);
  const v = have ?? planCreateVolume(engine, { name, ...(m.create ?? {}), anonymous: m.name === undefined }).result;
  if (!have) notes.push(`create volume ${name}`);
  const source = volumeSource(engine.roots, v);
  if (m.subpath) {
    const subpath = checkSubpath(m.subpath);
    return {
      type: 'volume',
      name: v.name,
      source: `${source}/${subpath}`,
      target: m.target,
      readOnly: m.readOnly,
      subpath,
    };
  }
  return { type: 'volume', name: v.name, source, target: m.target, readOnly: m.readOnly };
}

/** The record of one asked-for mount; a missing bind source planned as a step, or refused. */
async function requestedRecord(engine: Engine, m: MountRequest, out: PlannedMounts): Promise<MountRecord> {
  if (m.type === 'tmpfs')
    return { type: 'tmpfs', source: '', target: m.target, readOnly: m.readOnly, options: m.options };
  if (m.type === 'volume') return volumeRecord(engine, m, out.notes);
  if (await checkBind(m)) {
    const describe = `create host directory ${m.source}`;
    out.notes.push(describe);
    out.steps.push({ describe, apply: async () => void (await mkdir(m.source, { recursive: true })) });
  }
  return { type: 'bind', source: m.source, target: m.target, readOnly: m.readOnly };
}

/** The launcher's bind (or tmpfs) for a record. */
function bindOf(r: MountRecord): BindMount {
  return r.type === 'tmpfs'
    ? { source: 'tmpfs', target: r.target, readOnly: r.readOnly, tmpfs: r.options ?? '' }
    : { source: r.source, target: r.target, readOnly: r.readOnly };
}

/** The step readying volume record R before the launch, filling it from the image when asked. */
function readyStep(engine: Engine, imageId: string, r: MountRecord, fill: boolean): Step {
  const v = engine.store.volumes.require(r.name!);
  return {
    describe: `ready volume ${v.name}${fill ? ` (filled from the image's ${r.target} when empty)` : ''}`,
    apply: async () => {
      const src = await readyVolume(engine.roots, v);
      if (r.subpath) await checkSubpathIn(v.name, src, r.subpath);
      else if (fill) await fillFromImage(engine.roots, imageId, r.target, src);
    },
  };
}

/** Plans the mounts of a new container (call under the lock: volumes are recorded). */
export async function planMounts(engine: Engine, input: MountInput): Promise<PlannedMounts> {
  const out: PlannedMounts = { binds: [], records: [], steps: [], notes: [] };
  const byTarget = fromOthers(engine, input.volumesFrom);
  const asked = new Set<string>();
  const fill = new Set<string>();
  for (const m of input.mounts) {
    if (asked.has(m.target)) throw new UsageError(`duplicate mount point "${m.target}"`);
    asked.add(m.target);
    byTarget.set(m.target, await requestedRecord(engine, m, out));
    if (m.type === 'volume' && !m.noCopy) fill.add(m.target);
  }
  for (const target of input.imageVolumes) {
    const t = target.length > 1 ? target.replace(/\/+$/, '') : target;
    if (byTarget.has(t) || !t.startsWith('/')) continue;
    const r = volumeRecord(engine, { type: 'volume', target: t, readOnly: false, noCopy: false }, out.notes);
    out.notes[out.notes.length - 1] += ` for the image's VOLUME ${t}`;
    fill.add(t);
    byTarget.set(t, r);
  }
  out.records = [...byTarget.values()].sort((a, b) => depth(a.target) - depth(b.target));
  out.binds = out.records.map(bindOf);
  for (const r of out.records) {
    if (r.type !== 'volume') continue;
    out.steps.push(makeDirStep(engine, engine.store.volumes.require(r.name!)));
    out.steps.push(readyStep(engine, input.imageId, r, fill.has(r.target)));
  }
  return out;
}

/** Records that container ID uses the volumes among RECORDS. */
export function recordUsers(engine: Engine, id: string, records: readonly MountRecord[]): void {
  for (const r of records) if (r.type === 'volume' && r.name) engine.store.volumes.use(r.name, id, r.target);
}

/** The steps readying a stopped container's volumes again before it starts (a tmpfs volume is gone after a reboot). */
export function readyStepsOf(engine: Engine, records: readonly MountRecord[] | undefined): Step[] {
  return (records ?? [])
    .filter((r) => r.type === 'volume' && r.name)
    .map((r) => ({
      describe: `ready volume ${r.name}`,
      apply: async () => void (await readyVolume(engine.roots, engine.store.volumes.require(r.name!))),
    }));
}
