/**
 * DEL and GC: an attachment's rules, ports, addresses and host veth go (the namespace is
 * the runtime's and stays), then its record, and with it its `netctl allow` rules. DEL of
 * an attachment netctl does not know is not an error (the spec asks DEL to be idempotent);
 * a veth an interrupted ADD may have left under the attachment's name goes all the same.
 */
import type { Engine } from '../engine/context.js';
import { detachSteps } from '../engine/attach.js';
import { hostIfname } from '../engine/container-net.js';
import { opsStep } from '../engine/kernel-steps.js';
import { runSteps } from '../model/steps.js';
import { ErrorList } from '../errors.js';
import { attachmentId } from './naming.js';
import { cniRecords, isCniRecord } from './record.js';
import type { CniRequest } from './request.js';
import type { Container } from '../model/container.js';

async function removeRecord(engine: Engine, c: Container & { config: { cni: { netns: string } } }): Promise<void> {
  await runSteps(await detachSteps(engine, c, { path: c.config.cni.netns, remove: false }));
  engine.store.containers.remove(c.id);
}

/** Runs DEL. */
export async function cniDel(engine: Engine, req: CniRequest): Promise<void> {
  const id = attachmentId(req.conf.name, req.containerId!, req.ifname!);
  await engine.store.locked(async () => {
    const c = engine.store.containers.get(id);
    if (c && c.id === id && isCniRecord(c)) return removeRecord(engine, c);
    const leftover = hostIfname(id, 0);
    if (await engine.kernel.client.getLink(leftover))
      await runSteps([opsStep([{ op: 'delete-link', name: leftover }], engine.kernel)]);
  });
}

/**
 * Runs GC: every attachment of this configuration that the runtime no longer lists goes,
 * as a DEL would take it; one failure does not stop the others, all are reported.
 */
export async function cniGc(engine: Engine, req: CniRequest): Promise<string[]> {
  const valid = new Set(req.conf.validAttachments.map((a) => `${a.containerID}\0${a.ifname}`));
  const errors = new ErrorList();
  const removed: string[] = [];
  // Each in its own transaction: one that fails rolls back alone.
  for (const c of cniRecords(engine.store.containers.list({ all: true }), req.conf.name)) {
    if (valid.has(`${c.config.cni.containerId}\0${c.config.cni.ifname}`)) continue;
    await errors.attempt('remove stale attachment', c.name, async () => {
      await engine.store.locked(() => removeRecord(engine, c));
      removed.push(c.name);
    });
  }
  errors.throwIfAny();
  return removed;
}
