/**
 * Setting a container's allow rules to what a declaration wants (compose's `x-netctl.allow`
 * and `netctl.allow` labels): the rows added and removed and ufw's route rules rewritten in
 * one step under the lock, as `netctl allow` / `deny` do one rule at a time.
 */
import type { Store } from '../store/index.js';
import type { AllowRule } from '../model/allow.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import { routesStep } from './ufw-routes.js';
import { runSteps } from '../model/steps.js';

/** Adds and removes the given (already validated, canonical) rules; `ufw` is the engine's. */
export async function changeAllows(
  store: Store,
  ufw: UfwDeps,
  add: readonly AllowRule[],
  remove: readonly AllowRule[],
): Promise<void> {
  await store.locked(async () => {
    for (const r of remove) store.allows.remove(r);
    for (const r of add) store.allows.add(r);
    const { step } = await routesStep(store, ufw);
    await runSteps([step]);
  });
}
