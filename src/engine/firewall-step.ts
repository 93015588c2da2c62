/**
 * The firewall as one reversible engine step: observe what netctl owns now, plan the rules
 * the database (as the current transaction sees it) wants, apply and verify; then the ufw
 * route rules of `netctl allow`, which follow the same containers and ports.
 */
import type { Engine } from './context.js';
import { firewallRequest, type ContainerChange, type FirewallView, type NetworkChange } from './firewall-input.js';
import type { Step } from '../model/steps.js';
import type { FirewallPlan } from '../firewall/driver.js';
import { routesStep } from './ufw-routes.js';
import { routesChanged, type RoutesPlan } from '../firewall/ufw/routes-apply.js';

export type { ContainerChange, FirewallView, NetworkChange };

/** What {@link firewallStep} gives: the step, its plans, and the records it planned from. */
export interface FirewallStepResult {
  step: Step;
  plan: FirewallPlan;
  routes: RoutesPlan;
  empty: boolean;
  view: FirewallView | undefined;
}

/**
 * The step, and its plans for `--dry-run`. `fresh` reads the live rules even when the
 * remembered ones are known to be current (the repairing commands: gc, doctor, ufw sync).
 * `change` names the one container whose rows are all that changed since `change.since`,
 * so that the backend may plan its rules alone (see firewallRequest); the result is the same.
 */
export async function firewallStep(
  engine: Engine,
  opts: { fresh?: boolean; change?: ContainerChange | NetworkChange } = {},
): Promise<FirewallStepResult> {
  const fw = engine.firewall;
  const before = await fw.observe({ fresh: opts.fresh });
  const { request, view } = firewallRequest(engine.store, opts.fresh ? undefined : opts.change);
  const plan = fw.plan(fw.desired(request, before), before);
  const routes = await routesStep(engine.store, engine.ufw);
  const step: Step = {
    describe: fw.describe,
    apply: async () => {
      await fw.apply(plan, { verify: true });
      try {
        await routes.step.apply();
      } catch (err) {
        await fw.apply(fw.plan(before, await fw.observe())).catch(() => undefined);
        throw err;
      }
    },
    // A backend may commit table by table: undo re-plans from whatever is live now.
    undo: async () => {
      await routes.step.undo?.();
      await fw.apply(fw.plan(before, await fw.observe()));
    },
  };
  return { step, plan, routes: routes.plan, empty: plan.empty && !routesChanged(routes.plan), view: view() };
}
