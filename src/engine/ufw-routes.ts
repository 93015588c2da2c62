/**
 * netctl's ufw route rules as an engine step: what the database's allow rules want now,
 * written to ufw's user rules and loaded, undone when a later step fails. Runs with the
 * firewall step, so every command that moves a container or a port keeps them current.
 */
import type { Store } from '../store/index.js';
import type { AllowRule } from '../model/allow.js';
import type { Container } from '../model/container.js';
import type { Step } from '../model/steps.js';
import { desiredRoutes, type RouteState } from './allow-routes.js';
import { ufwArgv, type RouteRule } from '../firewall/ufw/route-rules.js';
import { applyRoutes, planRoutes, routesChanged, routesDiff, type RoutesPlan } from '../firewall/ufw/routes-apply.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import { forwardChainDoc, parseUserRules } from '../firewall/ufw/user-rules.js';
import { planRouteDelta, type RouteDelta } from '../firewall/ufw/routes-delta.js';
import { ufwUserLoaded } from '../firewall/ufw/routes-live.js';
import { emptyPlan, type ChangePlan } from './plan.js';

/** The database's view that route rules are made from. */
export function routeState(s: Store, allows = s.allows.list()): RouteState {
  return {
    allows,
    containers: s.containers.list({ all: true }),
    networks: s.networks.list(),
    ports: s.ports.list(),
    endpoints: s.endpoints.all(),
  };
}

/**
 * routeState as far as `allows` reach: only the containers they name (or `names`), with their ports and
 * endpoints (their routes are made from nothing else), so that the cost follows the rules,
 * not the number of containers on the host.
 */
export function routeStateFor(
  s: Store,
  allows: readonly AllowRule[],
  names: readonly string[] = allows.map((a) => a.container),
): RouteState {
  const containers = [...new Set(names)]
    .map((name) => s.containers.named(name))
    .filter((c): c is Container => c !== undefined);
  return {
    allows,
    containers,
    networks: s.networks.list(),
    ports: containers.flatMap((c) => s.ports.list(c.id)),
    endpoints: containers.flatMap((c) => s.endpoints.forContainer(c.id)),
  };
}

/** The route rules the database wants (none without allow rules: nothing else is read then). */
export function wantedRoutes(store: Store): RouteRule[] {
  const allows = store.allows.list();
  if (allows.length === 0) return [];
  return desiredRoutes(routeStateFor(store, allows));
}

/** The step that applies `plan` (undone when a later step fails). */
function stepOf(deps: UfwDeps, plan: RoutesPlan): Step {
  let undo: (() => Promise<void>) | undefined;
  return {
    describe: 'write ufw route rules',
    apply: async () => {
      if (routesChanged(plan)) undo = await applyRoutes(deps, plan);
    },
    undo: async () => undo?.(),
  };
}

/** The step, and its plan for `--dry-run`; `deps` are ufw's files and programs (the engine's). */
export async function routesStep(store: Store, deps: UfwDeps): Promise<{ step: Step; plan: RoutesPlan }> {
  const plan = await planRoutes(deps, wantedRoutes(store));
  return { step: stepOf(deps, plan), plan };
}

/**
 * The step of one change to the route rules (`netctl allow` / `deny`): only `delta`'s
 * entries are written and loaded, so its cost does not grow with the rules already there.
 * The whole-file {@link routesStep} when a file is missing or as ufw ships it.
 */
export async function routesDeltaStep(
  store: Store,
  deps: UfwDeps,
  delta: RouteDelta,
): Promise<{ step: Step; plan: RoutesPlan }> {
  const plan = await planRouteDelta(deps, delta);
  return plan ? { step: stepOf(deps, plan), plan } : routesStep(store, deps);
}

/**
 * A routes plan as the one plan type: the diff of each user rules file it writes, the
 * forward chain it loads with iptables-restore where ufw runs, and the ufw process that
 * writes a file still as the package ships it (ufw rewrites such a file in full first).
 */
export async function routesChangePlan(deps: UfwDeps, p: RoutesPlan): Promise<ChangePlan> {
  const plan = emptyPlan();
  const changed = p.files.filter((f) => f.text !== f.next);
  if (changed.length === 0) return plan;
  plan.files = changed.map((f) => routesDiff({ files: [f] }));
  const processes = changed.filter((f) => f.pristine).map((f) => ufwArgv(f.pristine![0]!));
  if (processes.length > 0) plan.processes = processes;
  for (const f of changed) {
    if (f.pristine || !(await ufwUserLoaded(deps.runner, f.family))) continue;
    plan.rules += f.delta ? f.delta.doc : forwardChainDoc(parseUserRules(f.next, f.path), f.family);
  }
  return plan;
}
