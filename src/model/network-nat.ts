/**
 * How a network's traffic is translated on its way out, kept in the network's options so
 * that no schema change is needed: masquerading on or off (Docker's own option name), and
 * the cluster's pod ranges (Kubernetes' cluster CIDR), which the network's containers
 * exchange traffic with directly, neither masqueraded towards nor kept out. Pure.
 */
import { UsageError } from '../errors.js';
import { formatCidr, parseCidr } from './addr.js';

/** Docker's bridge option; "false" turns masquerading of traffic leaving the network off. */
export const IP_MASQ_OPTION = 'com.docker.network.bridge.enable_ip_masquerade';
/** netctl's option: the cluster's pod CIDRs, comma separated, canonical. */
export const CLUSTER_CIDR_OPTION = 'netctl.cluster_cidr';

/** What a network's options say about NAT. */
export interface NatSettings {
  /** Masquerade traffic leaving the network (default true). */
  ipMasq: boolean;
  /** Routed pod ranges: no masquerading towards them, their packets may reach containers directly. */
  clusterCidrs: string[];
}

/** The CIDRs of a comma-separated list or an array, canonical; throws naming the bad one. */
export function parseClusterCidrs(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : [...value];
  const out: string[] = [];
  for (const c of items) {
    if (typeof c !== 'string')
      throw new UsageError(`invalid cluster CIDR ${JSON.stringify(c)}: expected a subnet such as 10.244.0.0/16`);
    const canon = formatCidr(parseCidr(c, 'cluster CIDR', true));
    if (!out.includes(canon)) out.push(canon);
  }
  if (out.length === 0) throw new UsageError('invalid cluster CIDR "": give at least one subnet');
  return out;
}

/** The options that record `settings` (only what differs from the defaults). */
export function natOptions(settings: Partial<NatSettings>): Record<string, string> {
  const out: Record<string, string> = {};
  if (settings.ipMasq === false) out[IP_MASQ_OPTION] = 'false';
  if (settings.clusterCidrs && settings.clusterCidrs.length > 0)
    out[CLUSTER_CIDR_OPTION] = settings.clusterCidrs.join(',');
  return out;
}

/** The NAT settings of a network's options. */
export function natSettings(options: Readonly<Record<string, string>>): NatSettings {
  const cidrs = options[CLUSTER_CIDR_OPTION];
  return { ipMasq: options[IP_MASQ_OPTION] !== 'false', clusterCidrs: cidrs ? cidrs.split(',') : [] };
}
