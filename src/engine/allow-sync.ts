/**
 * Setting a container's allow rules to what a declaration wants (compose's `x-netctl.allow`
 * and `netctl.allow` labels): the rows added and removed and ufw's route rules rewritten in
 * one step under the lock, as `netctl allow` / `deny` do one rule at a time.
 */
import type { AllowRule } from '../model/allow.js';
import type { Engine } from './context.js';
import type { Planned } from './plan.js';
import { routesChangePlan, routesStep } from './ufw-routes.js';

/** Plans adding and removing the given (already validated, canonical) rules; call it under the lock. */
export async function planChangeAllows(
  engine: Engine,
  add: readonly AllowRule[],
  remove: readonly AllowRule[],
): Promise<Planned<void>> {
  const { store, ufw } = engine;
  for (const r of remove) store.allows.remove(r);
  for (const r of add) store.allows.add(r);
  const { step, plan } = await routesStep(store, ufw);
  return { plan: await routesChangePlan(ufw, plan), steps: [step], result: undefined };
}
