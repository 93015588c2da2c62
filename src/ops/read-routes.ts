/**
 * The ufw route rules netctl made, as the TUI's Rules pane lists them: netctl's own and CNI
 * attachments' (what the database's allow rules want), then Docker's (what ufw's user rules
 * files hold under `netctl:docker:` comments, matched to the stored Docker allow rules; a
 * label's rule has none, a stored rule without a route now is listed on its own), each with
 * its live rule's counters. No Docker daemon is asked. Pure.
 */
import type { AllowRule } from '../model/allow.js';
import { describeAllow } from '../model/allow.js';
import type { Ruleset } from '../firewall/iptables/ast.js';
import { liveRouteCounters } from '../firewall/ufw/route-entries.js';
import { tupleLine, ufwCommand, type RouteRule } from '../firewall/ufw/route-rules.js';
import { parseDockerComment } from '../docker/routes.js';
import { routeOwner } from './read-owners.js';
import type { ContainerKind, RouteLine } from './read-types.js';

/** What the routes are made from. */
export interface RouteInputs {
  /** netctl's allow rules, each with the routes it stands for now. */
  own: { rule: AllowRule; routes: RouteRule[] }[];
  /** netctl's containers' kinds by name. */
  kinds: ReadonlyMap<string, ContainerKind>;
  /** The Docker allow rules stored by `netctl allow`. */
  docker: readonly AllowRule[];
  /** netctl's route rules in ufw's user rules files (both families; only Docker's are used). */
  files: readonly RouteRule[];
  live: Record<4 | 6, Ruleset>;
}

function counters(live: Record<4 | 6, Ruleset>, r: RouteRule): RouteLine['live'] {
  const c = liveRouteCounters(live[r.family], r);
  return c ? { packets: Number(c.packets), bytes: Number(c.bytes) } : null;
}

/** Whether a Docker route rule is one the stored rule stands for. */
export function dockerRouteOf(a: AllowRule, r: RouteRule): boolean {
  const named = parseDockerComment(r.comment);
  if (!named || named.container !== a.container) return false;
  return (
    (a.port === null || a.port === named.port) && (a.proto === null || a.proto === named.proto) && a.from === r.from
  );
}

/** Every route line, netctl's and CNI's first. */
export function routeLines(x: RouteInputs): RouteLine[] {
  const seen = new Set<string>();
  const route = (r: RouteRule, allow: string, source: RouteLine['source']): RouteLine => {
    const who = routeOwner(r.comment, x.kinds) ?? { owner: 'netctl' as const, container: '' };
    return {
      owner: who.owner,
      container: who.container,
      command: ufwCommand(r),
      allow,
      source,
      live: counters(x.live, r),
    };
  };
  const fresh = (r: RouteRule): boolean => {
    const line = tupleLine(r);
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  };
  const own = x.own.flatMap((e) => e.routes.filter(fresh).map((r) => route(r, describeAllow(e.rule), 'stored')));
  const inFiles = x.files.filter((r) => parseDockerComment(r.comment) !== null);
  const stored = x.docker.flatMap((a): RouteLine[] => {
    const mine = inFiles.filter((r) => dockerRouteOf(a, r));
    if (mine.length > 0) return mine.filter(fresh).map((r) => route(r, describeAllow(a), 'stored'));
    return [
      { owner: 'docker', container: a.container, command: '', allow: describeAllow(a), source: 'stored', live: null },
    ];
  });
  const labels = inFiles
    .filter((r) => !x.docker.some((a) => dockerRouteOf(a, r)))
    .map((r) => {
      const n = parseDockerComment(r.comment)!;
      return route(
        r,
        describeAllow({
          container: n.container,
          port: n.port,
          proto: n.proto as 'tcp' | 'udp',
          from: r.from,
          network: null,
        }),
        'label',
      );
    });
  return [...own, ...stored, ...labels];
}
