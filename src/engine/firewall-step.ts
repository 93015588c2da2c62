/**
 * The firewall as one reversible engine step: observe what netctl owns now, plan the rules
 * the database (as the current transaction sees it) wants, apply and verify; then the ufw
 * route rules of `netctl allow`, which follow the same containers and ports.
 */
import type { Engine } from './context.js';
import { firewallInput } from './firewall-input.js';
import { linkRules } from './links.js';
import type { Step } from './steps.js';
import type { PortsView } from './container-steps.js';
import type { IptablesPlan, OwnedRules } from '../firewall/iptables/driver.js';
import { routesStep } from './ufw-routes.js';
import { routesChanged, type RoutesPlan } from '../firewall/ufw/routes-apply.js';

/**
 * The step, and its plans for `--dry-run`. `fresh` reads the live rules even when the
 * remembered ones are known to be current (the repairing commands: gc, doctor, ufw sync).
 */
export async function firewallStep(
  engine: Engine,
  opts: { fresh?: boolean } = {},
): Promise<{ step: Step; plan: IptablesPlan; routes: RoutesPlan; empty: boolean; view: PortsView }> {
  const fw = engine.firewall;
  const s = engine.store;
  const before: OwnedRules = await fw.observe(opts);
  const networks = s.networks.list();
  const ports = s.ports.list();
  const endpoints = s.endpoints.all();
  const links = s.links.list();
  // Every container is read only where links need their names and exposed ports.
  const linked = links.length === 0 ? [] : linkRules({ containers: s.containers.list({ all: true }), networks, endpoints, links, ports });
  const target = fw.desiredFor(firewallInput(networks, ports, endpoints, linked), before);
  const plan = fw.plan(target, before);
  const routes = await routesStep(s);
  const step: Step = {
    describe: 'apply rules with iptables-restore --noflush',
    apply: async () => {
      await fw.applyVerified(plan, target);
      try {
        await routes.step.apply();
      } catch (err) {
        await fw.apply(fw.plan(before, await fw.observe())).catch(() => undefined);
        throw err;
      }
    },
    // iptables-restore commits table by table: undo re-plans from whatever is live now.
    undo: async () => {
      await routes.step.undo?.();
      await fw.apply(fw.plan(before, await fw.observe()));
    },
  };
  return { step, plan, routes: routes.plan, empty: plan.empty && !routesChanged(routes.plan), view: { networks, ports, endpoints } };
}
