/**
 * The volume verbs, planned under the lock: create (record, then its directory), rm
 * (refused while a container uses it: one line naming them), prune (the unused ones:
 * anonymous only, or all with `all`), and the anonymous volumes a removed container
 * leaves (`rm -v`, compose `down -v`).
 */
import type { Engine } from './context.js';
import type { Step } from '../model/steps.js';
import { checkVolumeName, checkVolumeOptions, type Volume, type VolumeSpec } from '../model/volume.js';
import { makeVolumeDir, removeVolumeFiles, volumePaths } from '../runtime/volumes.js';
import { ConflictError } from '../errors.js';
import { emptyPlan, type Planned } from './plan.js';

/** A fresh anonymous volume name: 64 hex characters, as Docker's. */
export function anonymousName(engine: Engine): string {
  for (;;) {
    const name = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
    if (!engine.store.volumes.get(name)) return name;
  }
}

const same = (a: Record<string, string>, b: Record<string, string>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** The step making a recorded volume's directory (and, on undo, removing it again). */
export function makeDirStep(engine: Engine, v: Volume): Step {
  let made = false;
  return {
    describe: `create volume directory ${volumePaths(engine.roots, v.name).data}`,
    apply: async () => void (made = await makeVolumeDir(engine.roots, v)),
    undo: () => (made ? removeVolumeFiles(engine.roots, v.name) : undefined),
  };
}

/**
 * Records volume SPEC (call under the lock) and plans its directory. An existing volume
 * of that name is the result when it was made with the same options and labels, as in
 * Docker; with others it is refused.
 */
export function planCreateVolume(engine: Engine, spec: VolumeSpec): Planned<Volume> {
  const s = engine.store;
  checkVolumeName(spec.name);
  const options = checkVolumeOptions(spec.name, spec.options ?? {});
  const have = s.volumes.get(spec.name);
  if (have) {
    if (!same(have.options, options) || (spec.labels && !same(have.labels, spec.labels)))
      throw new ConflictError(
        `volume "${spec.name}" already exists with other options or labels`,
        'remove it first (netctl volume rm), or use it as it is',
      );
    return { plan: emptyPlan(), steps: [], result: have };
  }
  const v = s.volumes.create({ ...spec, options });
  const step = makeDirStep(engine, v);
  return { plan: { ...emptyPlan(), notes: [`record volume ${v.name}`, step.describe] }, steps: [step], result: v };
}

/** The step deleting volume NAME's files, once its record is gone. */
function removeFilesStep(engine: Engine, name: string): Step {
  return {
    describe: `remove ${volumePaths(engine.roots, name).dir}`,
    apply: () => removeVolumeFiles(engine.roots, name),
  };
}

/** Plans removing volume NAME (call under the lock); refused while a container uses it. */
export function planRemoveVolume(engine: Engine, name: string): Planned<Volume> {
  const s = engine.store;
  const v = s.volumes.require(name);
  s.volumes.remove(name);
  const step = removeFilesStep(engine, name);
  return { plan: { ...emptyPlan(), notes: [`remove volume ${name}`, step.describe] }, steps: [step], result: v };
}

/** Plans removing every unused volume: anonymous ones, or all with `all`; the result is their names. */
export function planPruneVolumes(engine: Engine, o: { all?: boolean } = {}): Planned<string[]> {
  const s = engine.store;
  const names = s.volumes
    .list()
    .filter((v) => (o.all || v.anonymous) && s.volumes.users(v.name).length === 0)
    .map((v) => v.name);
  const planned = names.map((n) => planRemoveVolume(engine, n));
  return {
    plan: { ...emptyPlan(), notes: planned.flatMap((p) => p.plan.notes ?? []) },
    steps: planned.flatMap((p) => p.steps),
    result: names,
  };
}

/**
 * The anonymous volumes container ID uses that nothing else does, to plan their removal
 * once its record is gone (the users' rows go with it).
 */
export function anonymousOnlyOf(engine: Engine, id: string): string[] {
  const s = engine.store;
  return s.volumes
    .usedBy(id)
    .filter((n) => s.volumes.get(n)?.anonymous && s.volumes.users(n).every((u) => u.containerId === id));
}

/** Steps removing volumes NAMES, records and files, for after their last user is removed. */
export function removeVolumesSteps(engine: Engine, names: readonly string[]): Step[] {
  return names.flatMap((n) => [
    { describe: `remove volume ${n}`, apply: () => void engine.store.volumes.remove(n) },
    removeFilesStep(engine, n),
  ]);
}
