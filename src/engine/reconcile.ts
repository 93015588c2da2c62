/**
 * Bringing the kernel back to what the database wants: missing bridges (after a reboot),
 * netctl's owned rules and its ufw route rules (after the ufw block was loaded or removed,
 * after someone deleted a rule by hand).
 */
import type { Engine } from './context.js';
import { firewallStep } from './firewall-step.js';
import { runSteps } from '../model/steps.js';
import { routesDiff } from '../firewall/ufw/routes-apply.js';
import { missingBridgeSteps } from './replay.js';
import { localnetStep } from './container-steps.js';

/** Re-plans and applies; returns what was applied ('' when nothing changed). */
export async function reconcileFirewall(engine: Engine, opts: { dryRun?: boolean } = {}): Promise<string> {
  return engine.store.locked(async () => {
    const bridges = await missingBridgeSteps(engine);
    const { step, plan, routes, empty } = await firewallStep(engine, { fresh: true });
    if (empty && bridges.steps.length === 0) return '';
    // A bridge brought back gets its route_localnet too, once the rules that guard it are in.
    const localnet =
      bridges.missing.length > 0
        ? [
            localnetStep(
              engine,
              bridges.missing.map((n) => n.id),
            ),
          ]
        : [];
    if (!opts.dryRun) await runSteps([...bridges.steps, ...(empty ? [] : [step]), ...localnet]);
    return bridges.lines.join('') + plan.text() + routesDiff(routes);
  });
}
