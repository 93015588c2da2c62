/**
 * The CNI verbs (spec 1.1.0) as use cases: ADD, DEL, CHECK, GC and STATUS over a Host whose
 * paths are the configuration's state directories. ADD, DEL and each attachment GC removes
 * are one transaction each (ops/tx.ts); CHECK and STATUS read only. The plugin's and the
 * daemon's adapters (cni/body.ts, cni/serve.ts) parse the call, call {@link runCni} and
 * print what it returns; failures are thrown as they come and rendered by cni/plugin.ts.
 */
import { addResult, checkNetns, planAdd } from '../cni/add.js';
import { cniCheck as checkAttachment } from '../cni/check.js';
import { planDel, planRemove, staleAttachments } from '../cni/del.js';
import { CniError } from '../cni/error.js';
import type { CniRequest } from '../cni/request.js';
import { CNI_CODES, type CniResult } from '../cni/types.js';
import { ErrorList } from '../errors.js';
import type { Host } from './host.js';
import { transact } from './tx.js';

/** ADD: the attachment made; returns the result to print. */
export async function cniAdd(host: Host, req: CniRequest): Promise<CniResult> {
  const engine = await host.engine();
  // Before the lock: a namespace that is not one is the caller's mistake, nothing to record.
  await checkNetns(engine, req.netns!);
  const out = await transact(host, {}, (e) => planAdd(e, req));
  return addResult(engine, req, out.result!);
}

/** DEL: the attachment gone (nothing to do for one netctl does not know). */
export async function cniDel(host: Host, req: CniRequest): Promise<void> {
  await transact(host, {}, (e) => planDel(e, req));
}

/** CHECK: throws a CniError naming every problem of the attachment. */
export async function cniCheck(host: Host, req: CniRequest): Promise<void> {
  await checkAttachment(await host.engine(), req);
}

/**
 * GC: every attachment of the configuration that the runtime no longer lists goes, as a DEL
 * would take it, each in its own transaction (one that fails rolls back alone); one failure
 * does not stop the others, all are reported. Returns the names removed.
 */
export async function cniGc(host: Host, req: CniRequest): Promise<string[]> {
  const errors = new ErrorList();
  const removed: string[] = [];
  for (const c of staleAttachments(await host.engine(), req)) {
    await errors.attempt('remove stale attachment', c.name, async () => {
      await transact(host, {}, (e) => planRemove(e, c));
      removed.push(c.name);
    });
  }
  errors.throwIfAny();
  return removed;
}

/** STATUS: netctl can serve ADD (its database and the kernel open); code 50 otherwise. */
export async function cniStatus(host: Host): Promise<void> {
  try {
    const engine = await host.engine();
    engine.kernel.native.closeFd(engine.kernel.native.netnsFd('/proc/self/ns/net'));
  } catch (err) {
    throw new CniError(CNI_CODES.notAvailable, `netctl is not available: ${(err as Error).message}`);
  }
}

/** Runs one parsed request (not VERSION); returns what the plugin prints. */
export async function runCni(host: Host, req: CniRequest): Promise<string> {
  switch (req.command) {
    case 'STATUS':
      await cniStatus(host);
      return '';
    case 'ADD':
      return `${JSON.stringify(await cniAdd(host, req))}\n`;
    case 'DEL':
      await cniDel(host, req);
      return '';
    case 'CHECK':
      await cniCheck(host, req);
      return '';
    case 'GC':
      await cniGc(host, req);
      return '';
    default:
      throw new CniError(CNI_CODES.invalidEnv, `unknown CNI_COMMAND "${req.command}"`);
  }
}
