/**
 * The kernel side of a network as planned netlink operations (src/netlink/plan.ts), wrapped
 * as one reversible engine step whose operations double as the `--dry-run` plan.
 */
import type { Network } from '../model/network.js';
import { describeOp, planBridge, type NetlinkOp } from '../netlink/plan.js';
import { applyOps, rollback, type ApplyDeps } from '../netlink/apply.js';
import type { Step } from '../model/steps.js';

function prefixOf(cidr: string): string {
  return cidr.split('/')[1] ?? '';
}

/** The gateway addresses of a network, with the subnet's prefix length. */
export function gatewayCidrs(n: Network): string[] {
  const out = [`${n.gateway}/${prefixOf(n.subnet)}`];
  if (n.subnet6 !== undefined && n.gateway6 !== undefined) out.push(`${n.gateway6}/${prefixOf(n.subnet6)}`);
  return out;
}

/** Forwarding on, and br_netfilter's switches when icc is off (ports of one bridge are switched, not routed). */
export function planForwarding(n: Network): NetlinkOp[] {
  const ops: NetlinkOp[] = [{ op: 'sysctl', path: 'net.ipv4.ip_forward', value: '1' }];
  if (n.subnet6 !== undefined) ops.push({ op: 'sysctl', path: 'net.ipv6.conf.all.forwarding', value: '1' });
  if (!n.icc) {
    ops.push({ op: 'sysctl', path: 'net.bridge.bridge-nf-call-iptables', value: '1' });
    ops.push({ op: 'sysctl', path: 'net.bridge.bridge-nf-call-ip6tables', value: '1' });
  }
  return ops;
}

/** The operations that bring a network's bridge up. */
export function planNetworkUp(n: Network): NetlinkOp[] {
  // An IPv6 gateway skips duplicate address detection: containers need it at once.
  const bridge = planBridge({ name: n.bridge, mtu: n.mtu, addresses: gatewayCidrs(n) }).map((op) =>
    op.op === 'add-address' && op.cidr.includes(':') ? { ...op, nodad: true } : op,
  );
  return [...bridge, ...planForwarding(n)];
}

/** The operations that take it down (its addresses and routes go with the bridge). */
export function planNetworkDown(n: Network): NetlinkOp[] {
  return [{ op: 'delete-link', name: n.bridge }];
}

/** One step applying `ops`; its undo reverts exactly what they changed. */
export function opsStep(ops: readonly NetlinkOp[], deps: ApplyDeps): Step {
  let undos: NetlinkOp[] = [];
  return {
    describe: ops.map(describeOp).join('; '),
    apply: async () => {
      undos = await applyOps(ops, deps);
    },
    undo: () => rollback(undos, deps),
  };
}
