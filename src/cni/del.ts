/**
 * DEL and GC, planned: an attachment's rules, ports, addresses and host veth go (the
 * namespace is the runtime's and stays), then its record, and with it its `netctl allow`
 * rules. DEL of an attachment netctl does not know is not an error (the spec asks DEL to be
 * idempotent); a veth an interrupted ADD may have left under the attachment's name goes all
 * the same. ops/cni.ts runs each plan in its own transaction (ops/tx.ts).
 */
import type { Engine } from '../engine/context.js';
import { detachSteps } from '../engine/attach.js';
import { hostIfname } from '../engine/container-net.js';
import { opsStep } from '../engine/kernel-steps.js';
import type { Planned } from '../engine/plan.js';
import type { Step } from '../model/steps.js';
import { describeOp, type NetlinkOp } from '../netlink/plan.js';
import { attachmentId } from './naming.js';
import { type CniRecordConfig, cniRecords, isCniRecord } from '../model/cni-record.js';
import type { CniRequest } from './request.js';
import type { Container } from '../model/container.js';

/** A CNI attachment's record. */
export type CniRecord = Container & { config: CniRecordConfig };

/** Plans taking attachment `c` away: its network first, the record last (once the rules are gone). */
export async function planRemove(engine: Engine, c: CniRecord): Promise<Planned<void>> {
  const steps: Step[] = await detachSteps(engine, c, { path: c.config.cni.netns, remove: false });
  // The record goes after the steps, as it always did: the rules were planned with it there.
  steps.push({ describe: `remove record "${c.name}"`, apply: () => void engine.store.containers.remove(c.id) });
  return {
    plan: { operations: [], rules: '', notes: [`remove attachment ${c.name}`] },
    steps,
    result: undefined,
    removing: [c.id],
  };
}

/** Plans DEL (inside the caller's lock). */
export async function planDel(engine: Engine, req: CniRequest): Promise<Planned<void>> {
  const id = attachmentId(req.conf.name, req.containerId!, req.ifname!);
  const c = engine.store.containers.get(id);
  if (c && c.id === id && isCniRecord(c)) return planRemove(engine, c);
  const leftover = hostIfname(id, 0);
  if (!(await engine.kernel.client.getLink(leftover)))
    return { plan: { operations: [], rules: '' }, steps: [], result: undefined };
  const ops: NetlinkOp[] = [{ op: 'delete-link', name: leftover }];
  return {
    plan: { operations: ops.map(describeOp), rules: '' },
    steps: [opsStep(ops, engine.kernel)],
    result: undefined,
  };
}

/** GC's candidates: every attachment of this configuration that the runtime no longer lists. */
export function staleAttachments(engine: Engine, req: CniRequest): CniRecord[] {
  const valid = new Set(req.conf.validAttachments.map((a) => `${a.containerID}\0${a.ifname}`));
  return cniRecords(engine.store.containers.list({ all: true }), req.conf.name).filter(
    (c) => !valid.has(`${c.config.cni.containerId}\0${c.config.cni.ifname}`),
  );
}
