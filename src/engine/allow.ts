/**
 * `netctl allow` / `netctl deny` on netctl's own containers, as planners: the allow rules
 * (keyed by container name) recorded or removed, and ufw's route rules brought in line, as
 * one step. ops/allow.ts runs them through the one transaction; the policy (ports, sources,
 * what a rule selects, when it is refused) is model/allow-policy.ts.
 */
import type { Store } from '../store/index.js';
import type { AllowRule } from '../model/allow.js';
import {
  type AllowRequest,
  canonicalSources,
  denied,
  refuseUnpublished,
  rulesOf,
  rulesOfRequest,
} from '../model/allow-policy.js';
import { parsePortWord, readPorts } from '../model/allow-ports.js';
import { NotFoundError } from '../errors.js';
import { tupleLine, type RouteRule } from '../firewall/ufw/route-rules.js';
import { routesChanged, routesDiff } from '../firewall/ufw/routes-apply.js';
import type { RouteDelta } from '../firewall/ufw/routes-delta.js';
import type { Engine } from './context.js';
import type { Planned } from './plan.js';
import { publishedTargets, routesOf, type RouteState } from './allow-routes.js';
import { routeStateFor, routesChangePlan, routesDeltaStep } from './ufw-routes.js';

export type { AllowRequest } from '../model/allow-policy.js';

/** What was done (or, with dryRun, would be). */
export interface AllowResult {
  container: string;
  rules: AllowRule[];
  /** The ufw route rules of those allow rules. */
  routes: RouteRule[];
  /** Whether ufw's files change. */
  changed: boolean;
  /** The user rules diff. */
  diff: string;
  /** How host ports were read: `host port 8080 is web's container port 80/tcp`. */
  matched?: string[];
}

/**
 * The allow rules a request stands for (one per port and source), validated against the
 * database; a host port is read as the container port it leads to (model/allow-ports.ts).
 */
export function requestRules(store: Store, req: AllowRequest): { rules: AllowRule[]; matched: string[] } {
  const c = store.containers.require(req.name);
  for (const p of req.ports ?? []) parsePortWord(p); // a bad port is refused before the network is looked at
  if (req.network !== undefined) {
    const net = store.networks.require(req.network);
    if (!store.endpoints.forContainer(c.id).some((e) => e.networkId === net.id)) {
      throw new NotFoundError(
        'network of container',
        `${c.name} on ${net.name}`,
        `"${c.name}" is not connected to "${net.name}"`,
      );
    }
  }
  const sources = canonicalSources(req.from);
  const read = readPorts(c.name, req.ports, publishedTargets(routeStateFor(store, [], [c.name]), c.name));
  return { rules: rulesOf(c.name, read.ports, sources, req.network ?? null), matched: read.matched };
}

async function planRoutes(
  engine: Engine,
  rules: AllowRule[],
  routes: RouteRule[],
  matched: string[],
  delta: RouteDelta,
): Promise<Planned<AllowResult>> {
  const { step, plan } = await routesDeltaStep(engine.store, engine.ufw, delta);
  const result: AllowResult = {
    container: rules[0]?.container ?? '',
    rules,
    routes,
    changed: routesChanged(plan),
    diff: routesDiff(plan),
  };
  if (matched.length > 0) result.matched = matched;
  return { plan: await routesChangePlan(engine.ufw, plan), steps: [step], result };
}

/** Plans recording the rules and opening their routes; call it under the lock (ops/tx.ts). */
export async function planAllow(engine: Engine, req: AllowRequest): Promise<Planned<AllowResult>> {
  const { store } = engine;
  const { rules, matched } = requestRules(store, req);
  const state = routeStateFor(store, rules);
  for (const r of rules) {
    refuseUnpublished(
      r,
      publishedTargets(state, r.container),
      (what) =>
        `"${r.container}" does not publish ${what}${r.network ? ` on network "${r.network}"` : ''} (see netctl port ${r.container})`,
    );
  }
  for (const r of rules) store.allows.add(r);
  const routes = rules.flatMap((r) => routesOf(state, r));
  return planRoutes(engine, rules, routes, matched, { add: routes, remove: [] });
}

/** Plans removing the matching rules (fields the request leaves out match anything) and closing their routes. */
export async function planDeny(engine: Engine, req: AllowRequest): Promise<Planned<AllowResult>> {
  const { store } = engine;
  // A Kubernetes pod's rules outlive its sandbox (store/schema-pod-allows.ts): with no
  // record of that name, its kept rules are matched by container port as given.
  const c = store.containers.get(req.name);
  const kept = c?.name === req.name || c?.id === req.name ? [] : store.allows.list(req.name);
  const { rules: asked, matched } =
    kept.length > 0 ? { rules: rulesOfRequest(req.name, req), matched: [] } : requestRules(store, req);
  const gone = denied(denyCandidates(engine, asked, req), asked, req);
  const state: RouteState = routeStateFor(store, gone);
  const routes = gone.flatMap((r) => routesOf(state, r));
  for (const r of gone) store.allows.remove(r);
  const wanted = stillWanted(engine, state, gone[0]?.container ?? req.name, routes);
  const remove = routes.filter((r) => !wanted.has(tupleLine(r)));
  return planRoutes(engine, gone, routes, matched, { add: [], remove });
}

/** The stored rules deny may remove: those of the asked ports and sources (left out: all). */
function denyCandidates(engine: Engine, asked: readonly AllowRule[], req: AllowRequest): AllowRule[] {
  const ports = asked.some((a) => a.port === null) ? null : [...new Set(asked.map((a) => a.port!))];
  const froms = req.from.length === 0 ? null : [...new Set(asked.map((a) => a.from))];
  return engine.store.allows.candidates(asked[0]!.container, ports, froms);
}

/**
 * The tuple lines of `routes` that a rule the container keeps still opens (`allow web 80`
 * and `allow web 80 --network front` open one route; it stays while either does). Reads
 * only the rules of those ports (or every port) and sources.
 */
function stillWanted(engine: Engine, state: RouteState, container: string, routes: readonly RouteRule[]): Set<string> {
  if (routes.length === 0) return new Set();
  const ports = [...new Set(routes.map((r) => r.port))];
  const froms = [...new Set(routes.map((r) => r.from))];
  const rest = engine.store.allows.candidates(container, ports, froms, true);
  return new Set(rest.flatMap((r) => routesOf(state, r)).map(tupleLine));
}
