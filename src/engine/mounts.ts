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
import type { MountRecord, MountRequest, VolumesFrom } from '../model/volume.js';
import type { BindMount } from '../runtime/launcher-config.js';
import { fillFromImage, readyVolume, volumeSource } from '../runtime/volumes.js';
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

/** Plans the mounts of a new container (call under the lock: volumes are recorded). */
export async function planMounts(engine: Engine, input: MountInput): Promise<PlannedMounts> {
  const s = engine.store;
  const out: PlannedMounts = { binds: [], records: [], steps: [], notes: [] };
  const byTarget = fromOthers(engine, input.volumesFrom);
  const fill = new Map<string, boolean>();
  for (const m of input.mounts) {
    if (m.type === 'tmpfs') {
      byTarget.set(m.target, { type: 'tmpfs', source: '', target: m.target, readOnly: m.readOnly, options: m.options });
    } else if (m.type === 'bind') {
      if (await checkBind(m)) {
        out.notes.push(`create host directory ${m.source}`);
        out.steps.push({
          describe: `create host directory ${m.source}`,
          apply: () => void mkdir(m.source, { recursive: true }),
        });
      }
      byTarget.set(m.target, { type: 'bind', source: m.source, target: m.target, readOnly: m.readOnly });
    } else {
      const name = m.name ?? anonymousName(engine);
      const isNew = !s.volumes.get(name);
      const v = isNew
        ? planCreateVolume(engine, { name, ...(m.create ?? {}), anonymous: m.name === undefined }).result
        : s.volumes.require(name);
      if (isNew) out.notes.push(`create volume ${name}`);
      fill.set(m.target, !m.noCopy);
      byTarget.set(m.target, {
        type: 'volume',
        name: v.name,
        source: volumeSource(engine.roots, v),
        target: m.target,
        readOnly: m.readOnly,
      });
    }
  }
  for (const target of input.imageVolumes) {
    const t = target.length > 1 ? target.replace(/\/+$/, '') : target;
    if (byTarget.has(t) || !t.startsWith('/')) continue;
    const v = planCreateVolume(engine, { name: anonymousName(engine), anonymous: true }).result;
    out.notes.push(`create volume ${v.name} for the image's VOLUME ${t}`);
    fill.set(t, true);
    byTarget.set(t, {
      type: 'volume',
      name: v.name,
      source: volumeSource(engine.roots, v),
      target: t,
      readOnly: false,
    });
  }
  out.records = [...byTarget.values()].sort((a, b) => depth(a.target) - depth(b.target));
  for (const r of out.records) {
    out.binds.push(
      r.type === 'tmpfs'
        ? { source: 'tmpfs', target: r.target, readOnly: r.readOnly, tmpfs: r.options ?? '' }
        : { source: r.source, target: r.target, readOnly: r.readOnly },
    );
    if (r.type !== 'volume') continue;
    const v = s.volumes.require(r.name!);
    out.steps.push(makeDirStep(engine, v), {
      describe: `ready volume ${v.name}${fill.get(r.target) ? ` (filled from the image's ${r.target} when empty)` : ''}`,
      apply: async () => {
        const src = await readyVolume(engine.roots, v);
        if (fill.get(r.target)) await fillFromImage(engine.roots, input.imageId, r.target, src);
      },
    });
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
