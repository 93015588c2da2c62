/**
 * Bringing the kernel back to what the database wants: missing bridges (after a reboot), CNI
 * attachments whose veth went while their pod's namespace stayed (replay-cni.ts),
 * netctl's owned rules and its ufw route rules (after the ufw block was loaded or removed,
 * after someone deleted a rule by hand).
 */
import type { Engine } from './context.js';
import { firewallStep } from './firewall-step.js';
import { emptyPlan, type Planned } from './plan.js';
import { routesDiff } from '../firewall/ufw/routes-apply.js';
import { missingBridgeSteps } from './replay.js';
import { missingAttachmentSteps } from './replay-cni.js';
import { localnetStep } from './container-steps.js';

/**
 * Plans bringing the kernel back to the records (call under the lock): the missing bridges,
 * the rules and the route rules, re-read from the kernel. The result is what it applies, as
 * text ('' when nothing would change).
 */
export async function planReconcile(engine: Engine): Promise<Planned<string>> {
  const bridges = await missingBridgeSteps(engine);
  const cni = await missingAttachmentSteps(engine);
  const { step, plan, routes, empty } = await firewallStep(engine, { fresh: true });
  if (empty && bridges.steps.length === 0 && cni.steps.length === 0)
    return { plan: emptyPlan(), steps: [], result: '' };
  // A bridge brought back gets its route_localnet too, once the rules that guard it are in.
  const localnet =
    bridges.missing.length > 0
      ? [
          localnetStep(
            engine,
            bridges.missing.map((n) => n.id),
          ),
        ]
      : [];
  const diff = routesDiff(routes);
  return {
    plan: {
      operations: [],
      rules: plan.text(),
      ...(diff ? { files: [diff] } : {}),
      notes: [...bridges.lines, ...cni.lines].map((l) => l.trimEnd()),
    },
    steps: [...bridges.steps, ...cni.steps, ...(empty ? [] : [step]), ...localnet],
    result: bridges.lines.join('') + cni.lines.join('') + plan.text() + diff,
  };
}
