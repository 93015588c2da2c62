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

/** The containers by each address they hold, built once per list (see ruleOwner). */
interface OwnerIndex {
  byAddress: Map<string, number[]>;
  /** Addresses no token can equal (an IPv6 address written with dots): matched one by one. */
  odd: { at: number; address: string }[];
}
const ownerIndexes = new WeakMap<readonly AddressedContainer[], OwnerIndex>();
const V4 = /^[\d.]+$/;
const V6 = /^[0-9a-fA-F:]+$/;

function ownerIndex(containers: readonly AddressedContainer[]): OwnerIndex {
  let ix = ownerIndexes.get(containers);
  if (ix) return ix;
  ix = { byAddress: new Map(), odd: [] };
  containers.forEach((c, at) => {
    for (const a of c.addresses) {
      if (a === '') continue;
      if (V4.test(a) || V6.test(a)) {
        const have = ix!.byAddress.get(a);
        if (!have) ix!.byAddress.set(a, [at]);
        else if (have.at(-1) !== at) have.push(at);
      } else ix!.odd.push({ at, address: a });
    }
  });
  ownerIndexes.set(containers, ix);
  return ix;
}

const V4_RUNS = /[\d.]+/g;
const V6_RUNS = /[0-9a-fA-F:]+/g;

/**
 * The words of `text` that mentions() could match as a whole address: a run of digits and
 * dots up to each of its dots and whole (an IPv4 address is followed by anything but a
 * digit), and each whole run of hex digits and colons.
 */
function addressWords(text: string): string[] {
  const out: string[] = [];
  for (const [run] of text.matchAll(V4_RUNS)) {
    if (run.startsWith('.')) continue;
    for (let dot = run.indexOf('.'); dot >= 0; dot = run.indexOf('.', dot + 1)) out.push(run.slice(0, dot));
    out.push(run);
  }
  for (const [run] of text.matchAll(V6_RUNS)) if (run.includes(':')) out.push(run);
  return out;
}

/**
 * The containers an iptables rule names, and its owner: the runtime's (cni, podman) when one
 * of them is an attachment. The addresses are looked up by the rule's words: matching each container's
 * addresses with a pattern of its own cost rules x containers patterns (4 million at 1,000
 * containers, for `netctl rules` and the TUI).
 */
export function ruleOwner(
  text: string,
  containers: readonly AddressedContainer[],
): { owner: RecordKind; containers: string[] } {
  const ix = ownerIndex(containers);
  const hit = new Set<number>();
  for (const w of addressWords(text)) for (const at of ix.byAddress.get(w) ?? []) hit.add(at);
  for (const o of ix.odd) if (mentions(text, o.address)) hit.add(o.at);
  const mine = [...hit].sort((a, b) => a - b).map((at) => containers[at]!);
  return { owner: mine.find((c) => c.kind !== 'netctl')?.kind ?? 'netctl', containers: mine.map((c) => c.name) };
}
