/**
 * The one transaction: a verb plans inside the database's write lock (its record writes
 * included), then either applies the plan's steps with rollback, or, for `--dry-run`,
 * returns the plan and rolls the database back. This is the only place that decides
 * dry-run; adapters pass `dryRun` and render the plan they get back.
 */
import type { Engine } from '../engine/context.js';
import type { ChangePlan, Planned } from '../engine/plan.js';
import { installTestHooks } from '../sys/test-hooks.js';
import { applyJournaled, journaled, recoverInterrupted } from './journaled.js';
import type { Host } from './host.js';

export type { ChangePlan, Planned } from '../engine/plan.js';
/** Plans one after the other, as one. */
export { joinPlans } from '../engine/plan.js';

/** What a verb did, or with `dryRun` would do: `result` is absent for a dry run. */
export interface Outcome<T> {
  plan: ChangePlan;
  applied: boolean;
  result?: T;
}

/** Thrown inside the lock so that the database rolls back what the dry run planned. */
class DryRun<T> extends Error {
  constructor(readonly planned: Planned<T>) {
    super('dry run');
  }
}

/**
 * One planned change applied at once, in its own transaction, for verbs that carry out
 * several changes one after the other (compose's actions) and never dry-run them.
 */
export async function applyNow<T>(host: Host, fn: (engine: Engine) => Promise<Planned<T>>): Promise<T> {
  return (await transact(host, {}, fn)).result as T;
}

/**
 * Repairs what a killed command left (ops/journaled.ts) now: for verbs that read the
 * records to plan several transactions (compose), before they read them.
 */
export async function repairInterrupted(host: Host): Promise<void> {
  await recoverInterrupted(await host.engine());
}

/** Plans under the write lock, then applies the steps, or for a dry run rolls back: what was planned. */
async function execute<T>(
  host: Host,
  opts: { dryRun?: boolean },
  fn: (engine: Engine) => Promise<Planned<T>>,
): Promise<{ planned: Planned<T>; applied: boolean }> {
  const engine = await host.engine();
  installTestHooks();
  // A dry run changes nothing, not even a repair; it plans from the kernel as it is.
  if (!opts.dryRun) await recoverInterrupted(engine);
  try {
    let id: string | undefined;
    const planned = await engine.store.locked(async () => {
      const r = await journaled(engine, async () => {
        const p = await fn(engine);
        if (opts.dryRun) throw new DryRun(p);
        await applyJournaled(engine, p);
        return p;
      });
      id = r.id;
      return r.value;
    });
    // Committed: the entry is done with (a repair would also see it marked committed).
    if (id) engine.store.journal.end(id);
    return { planned, applied: true };
  } catch (err) {
    if (err instanceof DryRun) return { planned: err.planned as Planned<T>, applied: false };
    throw err;
  }
}

/**
 * Plans with `fn` under the write lock, then applies (or with `dryRun` only returns) the
 * plan. A failing step undoes the ones before it and the database rolls back.
 */
export async function transact<T>(
  host: Host,
  opts: { dryRun?: boolean },
  fn: (engine: Engine) => Promise<Planned<T>>,
): Promise<Outcome<T>> {
  const { planned, applied } = await execute(host, opts, fn);
  return applied ? { plan: planned.plan, applied, result: planned.result } : { plan: planned.plan, applied };
}

/** An outcome that carries the result as planned even for a dry run: what the verb would return. */
export type Previewed<T> = Outcome<T> & { result: T };

/** `transact`, keeping the planned result of a dry run too. */
export async function transactPreview<T>(
  host: Host,
  opts: { dryRun?: boolean },
  fn: (engine: Engine) => Promise<Planned<T>>,
): Promise<Previewed<T>> {
  const { planned, applied } = await execute(host, opts, fn);
  return { plan: planned.plan, applied, result: planned.result };
}
