/**
 * Replaying CNI attachments on a kernel that lost their links (netctl's links flushed, a
 * bridge deleted with its ports) while the runtime's pod namespaces are still there, as after
 * `ip link del` or a restart of netctl's networking without a reboot of the pods: each
 * attachment whose host veth is gone and whose CNI_NETNS still opens is plumbed again, with
 * the address, MAC and routes it was given, so the runtime's cached ADD result (which its
 * CHECK compares) stays true. An attachment whose namespace is gone is left to the runtime's
 * DEL or GC (`netctl gc` reports it).
 */
import type { Engine } from './context.js';
import { opsStep } from './kernel-steps.js';
import { planAttach } from './container-net.js';
import { cniRecords } from '../model/cni-record.js';
import type { Step } from '../model/steps.js';
import { describeOp } from '../netlink/plan.js';
import { withNetnsFd } from '../sys/native.js';

async function netnsOpens(engine: Engine, path: string): Promise<boolean> {
  try {
    await withNetnsFd(engine.kernel.native, path, async () => undefined);
    return true;
  } catch {
    return false;
  }
}

/** Steps plumbing the attachments that lost their veth, and one line each for messages. */
export async function missingAttachmentSteps(engine: Engine): Promise<{ steps: Step[]; lines: string[] }> {
  const s = engine.store;
  const present = new Set((await engine.kernel.client.listLinks()).map((l) => l.name));
  const steps: Step[] = [];
  const lines: string[] = [];
  for (const c of cniRecords(s.containers.list({ all: true }))) {
    const { netns } = c.config.cni;
    for (const e of s.endpoints.forContainer(c.id)) {
      if (!e.hostIfname || present.has(e.hostIfname) || !(await netnsOpens(engine, netns))) continue;
      const network = s.networks.get(e.networkId);
      if (!network) continue;
      const ops = planAttach(netns, network, e);
      steps.push(opsStep(ops, engine.kernel));
      lines.push(`# attachment ${c.name}: ${ops.map(describeOp).join('; ')}\n`);
    }
  }
  return { steps, lines };
}
