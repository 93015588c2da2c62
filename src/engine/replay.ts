/**
 * Replaying the database on a kernel that lost netctl's state (a reboot, someone's
 * `ip link del`): every network's bridge that is missing is brought up again, with its
 * gateway addresses and forwarding, before the rules are re-applied. One link dump when
 * nothing is missing.
 */
import type { Engine } from './context.js';
import { opsStep, planNetworkUp } from './kernel-steps.js';
import type { Step } from '../model/steps.js';
import type { Network } from '../model/network.js';
import { describeOp } from '../netlink/plan.js';

/** Steps bringing missing bridges back, and one line per network for messages. */
export async function missingBridgeSteps(
  engine: Engine,
): Promise<{ steps: Step[]; lines: string[]; missing: Network[] }> {
  const present = new Set((await engine.kernel.client.listLinks()).map((l) => l.name));
  const missing = engine.store.networks.list().filter((n) => !present.has(n.bridge));
  return {
    missing,
    steps: missing.map((n) => opsStep(planNetworkUp(n), engine.kernel)),
    lines: missing.map((n) => `# network ${n.name}: ${planNetworkUp(n).map(describeOp).join('; ')}\n`),
  };
}
