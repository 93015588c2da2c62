/**
 * One planned change applied at once, under the write lock: for the engine's callers below
 * ops/ (compose's apply, the CNI plugin), which carry out changes one after the other and
 * never dry-run. Commands go through ops/tx.ts `transact`, which also decides dry-run.
 */
import type { Engine } from './context.js';
import type { Planned } from './plan.js';
import { runSteps } from '../model/steps.js';

/** Plans with `plan` under the lock and runs its steps (undone, and the database rolled back, on failure). */
export async function applyNow<T>(engine: Engine, plan: () => Promise<Planned<T>>): Promise<Planned<T>> {
  return engine.store.locked(async () => {
    const p = await plan();
    await runSteps(p.steps);
    return p;
  });
}
