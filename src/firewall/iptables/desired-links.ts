/**
 * The filter rules of legacy links on networks with icc off: the linking container may
 * open connections to the linked one on the linked container's exposed ports, and nothing
 * else. They sit at the end of the network's published-ports chain, which every packet
 * towards the bridge passes before icc's drop. Replies are accepted as established; Docker
 * also accepts `--sport PORT` the other way, which would let the linked container open
 * connections to any port of its parent from that source port.
 */
import type { Rule } from './ast.js';
import type { LinkRule, NetworkRules } from '../input.js';
import { familyOf, hostMatch, type Family } from '../../model/addr.js';
import { OWNED_COMMENT_PREFIX } from './ast.js';
import { portsChain } from './plan-names.js';
import { dport, jump, rule } from './plan-rule.js';
import { UsageError } from '../../errors.js';

// Container names and aliases as model/names.ts allows them, joined by ':'.
const LINK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}:[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The tag naming a link: `netctl:link=PARENT:ALIAS`. */
export function linkTag(name: string): string {
  if (!LINK_NAME.test(name)) throw new UsageError(`invalid link name "${name}"`);
  return `${OWNED_COMMENT_PREFIX}link=${name}`;
}

/** The accepts of `links` on this family's open networks `nets`, in the caller's order. */
export function linkRules(nets: readonly NetworkRules[], links: readonly LinkRule[], family: Family): Rule[] {
  const open = new Map(nets.filter((n) => !n.internal).map((n) => [n.id, n]));
  return links.flatMap((l) => {
    const net = open.get(l.network);
    if (!net || familyOf(l.to) !== family) return [];
    const basic = { s: hostMatch(l.from, family), d: hostMatch(l.to, family), i: net.bridge, o: net.bridge };
    return l.ports.map((p) =>
      rule(portsChain(net.id), { ...basic, p: p.proto }, [dport(p.proto, p.port)], linkTag(l.name), jump('ACCEPT')),
    );
  });
}
