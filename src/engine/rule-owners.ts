/**
 * Whose container a rule is about, for `netctl rules` and the TUI: netctl's own, a CNI
 * attachment (a record of kind `cni`), or Docker's (route rules commented
 * `netctl:docker:NAME PORT/PROTO`). An iptables rule belongs to the containers whose
 * addresses it names; a route rule to the container its comment names. Pure.
 */
import type { Container, Endpoint } from '../model/container.js';
import { isCniRecord } from '../model/cni-record.js';
import { parseRouteComment } from '../firewall/ufw/route-rules.js';
import { parseDockerComment } from '../docker/routes.js';

/** Whose container: netctl's, a CNI runtime's, Docker's. */
export type RuleOwner = 'netctl' | 'cni' | 'docker';

/** A container of netctl's database with its addresses. */
export interface AddressedContainer {
  name: string;
  kind: 'netctl' | 'cni';
  addresses: string[];
}

/** The kind of a container record. */
export function containerKind(c: Pick<Container, 'config'>): 'netctl' | 'cni' {
  return isCniRecord(c as Container) ? 'cni' : 'netctl';
}

/** Every container with the addresses its endpoints hold. */
export function addressedContainers(
  containers: readonly Pick<Container, 'id' | 'name' | 'config'>[],
  endpoints: readonly Endpoint[],
): AddressedContainer[] {
  return containers.map((c) => ({
    name: c.name,
    kind: containerKind(c),
    addresses: endpoints
      .filter((e) => e.containerId === c.id)
      .flatMap((e) => [e.address, e.address6].filter((a): a is string => !!a)),
  }));
}

/** Whether `text` names `address` as a whole address (not `10.1.0.2` in `10.1.0.23`). */
export function mentions(text: string, address: string): boolean {
  if (address === '') return false;
  const escaped = address.replace(/\./g, '\\.');
  const re = address.includes(':') ? `(^|[^0-9a-fA-F:])${escaped}([^0-9a-fA-F:]|$)` : `(^|[^\\d.])${escaped}(\\D|$)`;
  return new RegExp(re).test(text);
}

/** The containers an iptables rule names, and its owner: `cni` when one of them is a CNI attachment. */
export function ruleOwner(
  text: string,
  containers: readonly AddressedContainer[],
): { owner: 'netctl' | 'cni'; containers: string[] } {
  const mine = containers.filter((c) => c.addresses.some((a) => mentions(text, a)));
  return { owner: mine.some((c) => c.kind === 'cni') ? 'cni' : 'netctl', containers: mine.map((c) => c.name) };
}

/** The container a route rule's comment names and whose it is; null for a comment not netctl's. */
export function routeOwner(
  comment: string,
  kinds: ReadonlyMap<string, 'netctl' | 'cni'>,
): { owner: RuleOwner; container: string } | null {
  const docker = parseDockerComment(comment);
  if (docker) return { owner: 'docker', container: docker.container };
  const own = parseRouteComment(comment);
  return own ? { owner: kinds.get(own.container) ?? 'netctl', container: own.container } : null;
}
