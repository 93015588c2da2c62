/**
 * Whose container a rule is about, for `netctl rules` and the TUI: netctl's own, a CNI
 * attachment (a record of kind `cni`), or Docker's (route rules commented
 * `netctl:docker:NAME PORT/PROTO`). An iptables rule belongs to the containers whose
 * addresses it names; a route rule to the container its comment names. Pure.
 */
import type { Container, Endpoint } from '../model/container.js';
import { type RecordKind, recordKind } from '../model/cni-record.js';
import { groupBy } from '../model/group.js';
import { parseRouteComment } from '../firewall/ufw/route-rules.js';
import { parseDockerComment } from '../docker/routes.js';
import type { AddressedContainer, RuleOwner } from '../engine/rule-owners.js';

export { mentions, ruleOwner, type AddressedContainer, type RuleOwner } from '../engine/rule-owners.js';

/** The kind of a container record: netctl, cni or podman. */
export function containerKind(c: Pick<Container, 'config'>): RecordKind {
  return recordKind(c);
}

/** Every container with the addresses its endpoints hold. */
export function addressedContainers(
  containers: readonly Pick<Container, 'id' | 'name' | 'config'>[],
  endpoints: readonly Endpoint[],
): AddressedContainer[] {
  const byContainer = groupBy(endpoints, (e) => e.containerId);
  return containers.map((c) => ({
    name: c.name,
    kind: containerKind(c),
    addresses: (byContainer.get(c.id) ?? []).flatMap((e) => [e.address, e.address6].filter((a): a is string => !!a)),
  }));
}

/** The container a route rule's comment names and whose it is; null for a comment not netctl's. */
export function routeOwner(
  comment: string,
  kinds: ReadonlyMap<string, RecordKind>,
): { owner: RuleOwner; container: string } | null {
  const docker = parseDockerComment(comment);
  if (docker) return { owner: 'docker', container: docker.container };
  const own = parseRouteComment(comment);
  return own ? { owner: kinds.get(own.container) ?? 'netctl', container: own.container } : null;
}
