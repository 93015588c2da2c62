/**
 * Each published port as ufw treats new connections to it from outside, for `ufw status`
 * and the TUI: the database's mappings evaluated against the live ufw chains, as ufw's view
 * (`ufw status`) or a saved ruleset (the TUI, whose counters come from the same save) tells
 * them. Pure.
 */
import type { PortAccess } from '../firewall/ufw/status.js';
import type { UfwView } from '../firewall/ufw/observe.js';
import type { Ruleset } from '../firewall/iptables/ast.js';
import { exposure, isLoopback, localOnly, type UfwFacts } from '../firewall/ufw/exposure.js';
import { ufwFamily } from '../firewall/ufw/names.js';
import { containerMappings, type RouteState } from './allow-routes.js';

/** What ufw's view says about one family. */
export function ufwFacts(view: UfwView, family: 4 | 6): UfwFacts {
  const f = view.families.find((x) => x.family === family);
  return {
    family,
    running: f?.running ?? false,
    blockLoaded: (f?.references.length ?? 0) > 0,
    routedPolicy: view.routedPolicy,
    live: f?.live,
  };
}

/**
 * What a saved ruleset says about one family: ufw runs when its user input chain exists; the
 * netctl block is loaded when a chain not ufw's jumps to netctl's forward chain.
 */
export function rulesetFacts(rs: Ruleset, family: 4 | 6, routedPolicy: string | null): UfwFacts {
  const filter = rs.tables.find((t) => t.name === 'filter');
  const prefix = ufwFamily(family).prefix;
  return {
    family,
    running: filter?.chains.some((c) => c.name === `${prefix}-user-input`) ?? false,
    blockLoaded:
      filter?.rules.some((r) => r.target?.name === `${prefix}-netctl-forward` && !r.chain.startsWith(prefix)) ?? false,
    routedPolicy,
    live: filter ? { family, tables: [filter] } : undefined,
  };
}

/** Every published port of every container, with its exposure. */
export function portAccess(state: RouteState, view: UfwView): PortAccess[] {
  return portAccessFrom(state, { 4: ufwFacts(view, 4), 6: ufwFacts(view, 6) });
}

/** The same from facts gathered another way (the TUI's, from its saved rulesets). */
export function portAccessFrom(state: RouteState, facts: { 4: UfwFacts; 6: UfwFacts }): PortAccess[] {
  return state.containers.flatMap((c) =>
    containerMappings(state, c.id).map((m) => {
      const family = m.containerIp.includes(':') ? 6 : 4;
      const e = isLoopback(m.hostIp)
        ? localOnly(m.hostIp!)
        : exposure(facts[family], { proto: m.proto, containerIp: m.containerIp, containerPort: m.containerPort });
      return {
        container: c.name,
        proto: m.proto,
        hostIp: m.hostIp ?? (family === 6 ? '::' : '0.0.0.0'),
        hostPort: m.hostPort,
        containerPort: m.containerPort,
        containerIp: m.containerIp,
        open: e.state === 'open',
        state: e.state,
        sources: e.sources,
        reason: e.reason,
      };
    }),
  );
}
