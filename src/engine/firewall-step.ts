/**
 * The firewall as one reversible engine step: observe what netctl owns now, plan the rules
 * the database (as the current transaction sees it) wants, apply and verify.
 */
import type { Engine } from './context.js';
import { firewallInput } from './firewall-input.js';
import type { Step } from './steps.js';
import type { IptablesPlan, OwnedRules } from '../firewall/iptables/driver.js';

/** The step, and its plan for `--dry-run`. */
export async function firewallStep(engine: Engine): Promise<{ step: Step; plan: IptablesPlan }> {
  const fw = engine.firewall;
  const s = engine.store;
  const before: OwnedRules = await fw.observe();
  const target = fw.desiredFor(firewallInput(s.networks.list(), s.ports.list(), s.endpoints.all()), before);
  const plan = fw.plan(target, before);
  const step: Step = {
    describe: 'apply rules with iptables-restore --noflush',
    apply: () => fw.applyVerified(plan, target),
    // iptables-restore commits table by table: undo re-plans from whatever is live now.
    undo: async () => fw.apply(fw.plan(before, await fw.observe())),
  };
  return { step, plan };
}
