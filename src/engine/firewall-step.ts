/**
 * The firewall as one reversible engine step: observe what netctl owns now, plan the rules
 * the database (as the current transaction sees it) wants, apply and verify; then the ufw
 * route rules of `netctl allow`, which follow the same containers and ports.
 */
import type { Engine } from './context.js';
import { firewallInput } from './firewall-input.js';
import { linkRules } from './links.js';
import type { Step } from '../model/steps.js';
import type { PortsView } from './container-steps.js';
import type { IptablesPlan, OwnedRules } from '../firewall/iptables/driver.js';
import type { Basis } from '../firewall/iptables/rules-cache.js';
import type { Endpoint } from '../model/container.js';
import type { PublishedPort } from '../model/port.js';
import { routesStep } from './ufw-routes.js';
import { routesChanged, type RoutesPlan } from '../firewall/ufw/routes-apply.js';

/**
 * One container's rows added (its first endpoint and its ports, just recorded) or taken
 * out (all of them, as they were), and the firewall revision before that change.
 */
export interface ContainerChange {
  kind: 'add' | 'remove';
  containerId: string;
  since: string;
  endpoints: readonly Endpoint[];
  ports: readonly PublishedPort[];
}

/** What the firewall step planned from. `partial`: only an added container's rows. */
export interface FirewallView extends PortsView {
  partial: boolean;
}

const sameUfw = (a: Basis['ufw'], b: Basis['ufw']): boolean => a[4] === b[4] && a[6] === b[6];

/**
 * The target planned from the changed container's rows alone, when that gives what
 * planning from every record would: the remembered rules were planned from the records as
 * they were just before the change (same revision, same ufw decision, so nothing else
 * changed since), no link is recorded (link rules sit after the port rules and follow other
 * containers), and an added container has no rows but the new ones (so they are the newest
 * and its ports map to this endpoint, as they would with every record).
 */
function changedTarget(
  engine: Engine,
  before: OwnedRules,
  change: ContainerChange,
): { target: OwnedRules; view?: FirewallView } | undefined {
  const fw = engine.firewall;
  const s = engine.store;
  if (before.basis?.rev !== change.since || !sameUfw(before.basis.ufw, fw.ufwFor(before)) || s.hasLinks())
    return undefined;
  if (
    change.kind === 'add' &&
    (s.endpoints.forContainer(change.containerId).length !== change.endpoints.length ||
      s.ports.list(change.containerId).length !== change.ports.length)
  ) {
    return undefined;
  }
  const networks = s.networks.list();
  const target = fw.desiredWith(before, firewallInput(networks, change.ports, change.endpoints), change.kind);
  if (!target) return undefined;
  // Removed rows say nothing of what the others want: the caller reads them if it must.
  return change.kind === 'add'
    ? { target, view: { networks, ports: change.ports, endpoints: change.endpoints, partial: true } }
    : { target };
}

/** The target planned from every record. */
function fullTarget(engine: Engine, before: OwnedRules): { target: OwnedRules; view: FirewallView } {
  const s = engine.store;
  const networks = s.networks.list();
  const ports = s.ports.list();
  const endpoints = s.endpoints.all();
  const links = s.links.list();
  // Every container is read only where links need their names and exposed ports.
  const linked =
    links.length === 0
      ? []
      : linkRules({ containers: s.containers.list({ all: true }), networks, endpoints, links, ports });
  return {
    target: engine.firewall.desiredFor(firewallInput(networks, ports, endpoints, linked), before),
    view: { networks, ports, endpoints, partial: false },
  };
}

/** What {@link firewallStep} gives: the step, its plans, and the rules it planned from and to. */
export interface FirewallStepResult {
  step: Step;
  plan: IptablesPlan;
  routes: RoutesPlan;
  empty: boolean;
  view: FirewallView | undefined;
  target: OwnedRules;
  live: OwnedRules;
}

/**
 * The step, and its plans for `--dry-run`. `fresh` reads the live rules even when the
 * remembered ones are known to be current (the repairing commands: gc, doctor, ufw sync).
 * `change` names the one container whose rows are all that changed since `change.since`,
 * so that its rules alone may be planned (see changedTarget); the result is the same.
 */
export async function firewallStep(
  engine: Engine,
  opts: { fresh?: boolean; change?: ContainerChange } = {},
): Promise<FirewallStepResult> {
  const fw = engine.firewall;
  const before: OwnedRules = await fw.observe(opts);
  const basis: Basis = { rev: engine.store.firewallRevision(), ufw: fw.ufwFor(before) };
  const { target, view } =
    (opts.change && !opts.fresh && changedTarget(engine, before, opts.change)) || fullTarget(engine, before);
  const plan = fw.plan(target, before);
  const routes = await routesStep(engine.store);
  const step: Step = {
    describe: 'apply rules with iptables-restore --noflush',
    apply: async () => {
      await fw.applyVerified(plan, target, basis);
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
  return {
    step,
    plan,
    routes: routes.plan,
    empty: plan.empty && !routesChanged(routes.plan),
    view,
    target,
    live: before,
  };
}
