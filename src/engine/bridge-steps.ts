/**
 * The kernel side of a network: its bridge, addresses and forwarding, as reversible steps
 * whose descriptions double as the `--dry-run` plan.
 */
import type { Network } from '../model/network.js';
import type { NetlinkClient } from '../netlink/types.js';
import type { Step } from './steps.js';

function prefixOf(cidr: string): string {
  return cidr.split('/')[1] ?? '';
}

/** The gateway addresses of a network, with the subnet's prefix length. */
export function gatewayCidrs(n: Network): string[] {
  const out = [`${n.gateway}/${prefixOf(n.subnet)}`];
  if (n.subnet6 !== undefined && n.gateway6 !== undefined) out.push(`${n.gateway6}/${prefixOf(n.subnet6)}`);
  return out;
}

/** Steps that bring a network's bridge up; undo removes what they created. */
export function bridgeUpSteps(n: Network, nl: NetlinkClient): Step[] {
  let created = false;
  const steps: Step[] = [
    {
      describe: `ip link add ${n.bridge} type bridge mtu ${n.mtu}`,
      apply: async () => {
        if (await nl.getLink(n.bridge)) throw new Error(`link "${n.bridge}" already exists`);
        created = await nl.createBridge(n.bridge, { mtu: n.mtu });
      },
      undo: async () => {
        if (created) await nl.deleteLink(n.bridge);
      },
    },
  ];
  for (const cidr of gatewayCidrs(n)) {
    steps.push({ describe: `ip addr add ${cidr} dev ${n.bridge}`, apply: async () => void (await nl.addAddress(n.bridge, cidr, { nodad: true })) });
  }
  steps.push({ describe: `ip link set ${n.bridge} up`, apply: () => nl.setUp(n.bridge) });
  return steps;
}

/** Steps that remove a network's bridge (its addresses and routes go with it). */
export function bridgeDownSteps(n: Network, nl: NetlinkClient): Step[] {
  return [{ describe: `ip link del ${n.bridge}`, apply: async () => void (await nl.deleteLink(n.bridge)) }];
}
