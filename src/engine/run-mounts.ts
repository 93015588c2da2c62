/**
 * `run` with its mounts: the volumes recorded and planned (engine/mounts.ts), the
 * container planned with their binds, its record keeping the mounts and the volumes
 * knowing their new user. Every caller of `run` (the CLI, compose) goes through here.
 */
import type { Engine } from './context.js';
import type { Container } from '../model/container.js';
import { planRemoveContainer, planRun, type RunOptions, type RunRequest } from './containers.js';
import { anonymousOnlyOf, removeVolumesSteps } from './volumes.js';
import { planMounts, recordUsers } from './mounts.js';
import { joinPlans, type Planned } from './plan.js';

/** Plans `run` of REQ with its mounts (call under the lock). */
export async function planRunWithMounts(
  engine: Engine,
  req: RunRequest,
  opts: RunOptions = {},
): Promise<Planned<Container>> {
  if (!req.mounts) return planRun(engine, req, opts);
  const m = await planMounts(engine, { imageId: req.image.id, ...req.mounts });
  const { mounts: _, ...rest } = req;
  const run = await planRun(
    engine,
    { ...rest, launch: { ...req.launch, binds: [...req.launch.binds, ...m.binds] } },
    opts,
  );
  const s = engine.store;
  const c = s.containers.require(run.result.id);
  s.containers.update(c.id, { config: { ...c.config, mounts: m.records } });
  recordUsers(engine, c.id, m.records);
  return {
    plan: joinPlans({ operations: [], rules: '', notes: m.notes }, run.plan),
    steps: [...m.steps, ...run.steps],
    result: run.result,
  };
}

/**
 * Plans removing container REF (call under the lock) and, with `volumes` (`rm -v`, `--rm`,
 * compose `down -v`), the anonymous volumes only it used.
 */
export async function planRemoveWithVolumes(
  engine: Engine,
  ref: string,
  o: { force?: boolean; volumes?: boolean },
): Promise<Planned<Container>> {
  const anon = o.volumes ? anonymousOnlyOf(engine, engine.store.containers.require(ref).id) : [];
  const p = await planRemoveContainer(engine, ref, Boolean(o.force));
  const extra = removeVolumesSteps(engine, anon);
  return {
    plan: { ...p.plan, notes: [...(p.plan.notes ?? []), ...extra.map((x) => x.describe)] },
    steps: [...p.steps, ...extra],
    result: p.result,
    ...(p.removing ? { removing: p.removing } : {}),
  };
}
