/**
 * Bringing the kernel's owned rules back to what the database wants: after the ufw block
 * was loaded or removed, after a reboot, or when someone changed netctl's chains by hand.
 */
import type { Engine } from './context.js';
import { firewallStep } from './firewall-step.js';
import { runSteps } from './steps.js';

/** Re-plans and applies the owned rules; returns the applied restore text ('' when nothing changed). */
export async function reconcileFirewall(engine: Engine): Promise<string> {
  return engine.store.locked(async () => {
    const { step, plan } = await firewallStep(engine);
    if (plan.empty) return '';
    await runSteps([step]);
    return plan.text();
  });
}
