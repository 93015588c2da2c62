/**
 * netctl's ufw route rules as an engine step: what the database's allow rules want now,
 * written to ufw's user rules and loaded, undone when a later step fails. Runs with the
 * firewall step, so every command that moves a container or a port keeps them current.
 */
import type { Store } from '../store/index.js';
import type { Step } from '../model/steps.js';
import { desiredRoutes, type RouteState } from './allow-routes.js';
import type { RouteRule } from '../firewall/ufw/route-rules.js';
import { applyRoutes, planRoutes, routesChanged, type RoutesPlan } from '../firewall/ufw/routes-apply.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';

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

/** The route rules the database wants (none without allow rules: nothing else is read then). */
export function wantedRoutes(store: Store): RouteRule[] {
  const allows = store.allows.list();
  if (allows.length === 0) return [];
  return desiredRoutes(routeState(store, allows));
}

/** The step, and its plan for `--dry-run`; `deps` are ufw's files and programs (the engine's). */
export async function routesStep(store: Store, deps: UfwDeps): Promise<{ step: Step; plan: RoutesPlan }> {
  const plan = await planRoutes(deps, wantedRoutes(store));
  let undo: (() => Promise<void>) | undefined;
  const step: Step = {
    describe: 'write ufw route rules',
    apply: async () => {
      if (routesChanged(plan)) undo = await applyRoutes(deps, plan);
    },
    undo: async () => undo?.(),
  };
  return { step, plan };
}
