/**
 * The Docker part of `netctl ufw list`: stored rules of Docker names and label rules of
 * running containers, each with its routes now. Docker not answering leaves the stored
 * rules without routes, and says why.
 */
import type { DockerApi } from '../docker/client.js';
import { runningContainers } from '../docker/containers.js';
import type { DockerContainer } from '../docker/model.js';
import { dockerRoutesOf, labelRules } from '../docker/routes.js';
import type { RouteRule } from '../firewall/ufw/route-rules.js';
import type { AllowRule } from '../model/allow.js';
import type { Host } from './host.js';

/** One Docker allow rule and the route rules it stands for now. */
export interface DockerListEntry {
  rule: AllowRule;
  routes: RouteRule[];
  owner: 'docker' | 'docker label';
}

/**
 * The Docker entries, of one name or all; `error` says why Docker did not answer, when
 * stored rules are shown without their routes. `api` opens Docker's client.
 */
export async function dockerListEntries(
  host: Host,
  api: () => DockerApi,
  name?: string,
): Promise<{ entries: DockerListEntry[]; error?: string }> {
  const stored = host.store().dockerAllows.list(name);
  let containers: DockerContainer[] = [];
  let error: string | undefined;
  try {
    containers = await runningContainers(api());
  } catch (err) {
    if (stored.length > 0) error = (err as Error).message;
  }
  const mine = containers.filter((c) => name === undefined || c.name === name);
  const routes = (rule: AllowRule): RouteRule[] =>
    mine.filter((c) => c.name === rule.container).flatMap((c) => dockerRoutesOf(c, rule));
  const entries: DockerListEntry[] = [
    ...stored.map((rule) => ({ rule, routes: routes(rule), owner: 'docker' as const })),
    ...mine.flatMap((c) =>
      labelRules(c).rules.map((rule) => ({ rule, routes: routes(rule), owner: 'docker label' as const })),
    ),
  ];
  return error === undefined ? { entries } : { entries, error };
}
