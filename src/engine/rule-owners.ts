/**
 * Which containers an iptables rule is about: the ones whose addresses it names. Pure, and
 * free of Docker and CNI: telling a CNI attachment or a Docker container from netctl's own
 * is the read model's (ops/read-owners.ts), which may import them.
 */

import type { RecordKind } from '../model/cni-record.js';

/** Whose container: netctl's, a CNI runtime's, Docker's. */
export type RuleOwner = RecordKind | 'docker';

/** A container of netctl's database with its addresses. */
export interface AddressedContainer {
  name: string;
  kind: RecordKind;
  addresses: string[];
}

/** Whether `text` names `address` as a whole address (not `10.1.0.2` in `10.1.0.23`). */
export function mentions(text: string, address: string): boolean {
  if (address === '') return false;
  const escaped = address.replace(/\./g, '\\.');
  const re = address.includes(':') ? `(^|[^0-9a-fA-F:])${escaped}([^0-9a-fA-F:]|$)` : `(^|[^\\d.])${escaped}(\\D|$)`;
  return new RegExp(re).test(text);
}

/** The containers an iptables rule names, and its owner: the runtime's (cni, podman) when one of them is an attachment. */
export function ruleOwner(
  text: string,
  containers: readonly AddressedContainer[],
): { owner: RecordKind; containers: string[] } {
  const mine = containers.filter((c) => c.addresses.some((a) => mentions(text, a)));
  return { owner: mine.find((c) => c.kind !== 'netctl')?.kind ?? 'netctl', containers: mine.map((c) => c.name) };
}
