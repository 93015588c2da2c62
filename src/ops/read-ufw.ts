/**
 * ufw as netctl sees it: `netctl ufw status` (ufw's state, the netctl block, every published
 * port as ufw treats new connections to it from outside, route rules missing from ufw's
 * files), `netctl ufw list` (netctl's allow rules and the route rules each stands for now),
 * and the TUI's one-line summary. Each published port is judged by engine/port-access.ts,
 * whichever way the facts were read.
 */
import type { AllowRule } from '../model/allow.js';
import { observeUfw, setting } from '../firewall/ufw/observe.js';
import type { RouteRule } from '../firewall/ufw/route-rules.js';
import { routeDrift } from '../firewall/ufw/routes-apply.js';
import { buildStatus, type UfwStatus } from '../firewall/ufw/status.js';
import type { UfwFacts } from '../firewall/ufw/exposure.js';
import { desiredRoutes, routesOf } from '../engine/allow-routes.js';
import { portAccess } from '../engine/port-access.js';
import { routeState } from '../engine/ufw-routes.js';
import type { Host } from './host.js';

export { renderStatus, type PortAccess, type UfwStatus } from '../firewall/ufw/status.js';

const POLICY: Record<string, string> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject' };

/** `netctl ufw status`. */
export async function ufwStatus(host: Host): Promise<UfwStatus> {
  const state = routeState(host.store());
  const view = await observeUfw(host.ufw);
  const status = buildStatus(view, portAccess(state, view));
  if (view.installed) status.routes = await routeDrift(host.ufw, desiredRoutes(state));
  return status;
}

/** netctl's allow rules (of container `name` when given), each with the route rules it stands for now. */
export function allowRoutes(host: Host, name?: string): { rule: AllowRule; routes: RouteRule[] }[] {
  const store = host.store();
  const state = routeState(store);
  return store.allows.list(name).map((rule) => ({ rule, routes: routesOf(state, rule) }));
}

/** ufw's routed policy (`allow`, `deny`, `reject`) as its defaults file's text says it; null when it does not. */
export function routedPolicy(defaults: string): string | null {
  const raw = setting(defaults, 'DEFAULT_FORWARD_POLICY');
  return raw === null ? null : (POLICY[raw] ?? raw.toLowerCase());
}

/** The TUI's ufw line: `ufw: active, routed policy deny, netctl block loaded` and the like. */
export function ufwSummary(f4: UfwFacts, policy: string | null): string {
  if (!f4.running) return 'ufw: not running (published ports are open to everyone)';
  const block = f4.blockLoaded ? 'netctl block loaded' : 'netctl block not loaded (netctl ufw install)';
  return `ufw: active, routed policy ${policy ?? '?'}, ${block}`;
}
