/**
 * A network's cluster ranges (Kubernetes' cluster CIDR: the pod subnets of every node,
 * routed between them) as rule arguments of one family. Pure.
 */
import type { NetworkRules } from '../input.js';
import { canonicalCidrOf, familyOf, type Family } from '../../model/addr.js';

/** This family's cluster ranges of `net`, canonical, in the order given. */
export function clusterCidrsOf(net: NetworkRules, family: Family): string[] {
  return (net.clusterCidrs ?? []).filter((c) => familyOf(c) === family).map((c) => canonicalCidrOf(c, family));
}
