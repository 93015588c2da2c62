/**
 * Bringing the kernel's owned rules and netctl's ufw route rules back to what the database
 * wants: after the ufw block was loaded or removed, after a reboot, after someone deleted a
 * rule by hand.
 */
import type { Engine } from './context.js';
import { firewallStep } from './firewall-step.js';
import { runSteps } from './steps.js';
import { routesDiff } from '../firewall/ufw/routes-apply.js';

/** Re-plans and applies; returns what was applied ('' when nothing changed). */
export async function reconcileFirewall(engine: Engine, opts: { dryRun?: boolean } = {}): Promise<string> {
  return engine.store.locked(async () => {
    const { step, plan, routes, empty } = await firewallStep(engine);
    if (empty) return '';
    if (!opts.dryRun) await runSteps([step]);
    return plan.text() + routesDiff(routes);
  });
}
