/**
 * Carrying out compose's actions with netctl's engine, in this process: each action is one
 * transaction (planned, applied and verified under the lock, or undone: ops/tx.ts). When an
 * action fails, what this run created is removed again, last first, and the failure is
 * reported with anything that removal could not do.
 */
import { planRemoveContainer } from '../engine/containers.js';
import { planRemoveWithVolumes, planRunWithMounts } from '../engine/run-mounts.js';
import { planRemoveVolume } from '../engine/volumes.js';
import { planConnect } from '../engine/connect.js';
import { planCreateNetwork, planRemoveNetwork } from '../engine/networks.js';
import { planStart } from '../engine/lifecycle.js';
import { planChangeAllows } from '../engine/allow-sync.js';
import type { Host } from './host.js';
import { ensureDefaultNetwork } from './network.js';
import { applyNow } from './tx.js';
import { ensureHealthRunner } from './health.js';
import { waitForDependencies } from './compose-wait.js';
import { type Action, doneLine } from '../compose/plan.js';
import type { Prepared } from '../compose/prepare.js';
import { ErrorList, InternalError, NetctlError, messageOf } from '../errors.js';
import { writeServiceFiles } from './compose-files.js';
import type { ComposeProject } from '../compose/types.js';
import { hooksAfter, hooksBefore } from './compose-hook-steps.js';

async function runService(
  host: Host,
  prepared: Prepared | undefined,
  service: string,
  container: string,
): Promise<void> {
  // Issue 25: replicas have their own requests, and secrets/configs files written first.
  const req = prepared?.byContainer?.get(container) ?? prepared?.requests.get(service);
  if (!req) throw new InternalError(`no request for service ${service}`);
  await writeServiceFiles(prepared?.writes?.get(container) ?? []);
  const { dns, dnsSearch, dnsOptions, extraHosts } = req;
  await applyNow(host, (e) => planRunWithMounts(e, req.run, { dns, dnsSearch, dnsOptions, extraHosts }));
  for (const c of req.connect) await applyNow(host, (e) => planConnect(e, c));
}

async function one(host: Host, prepared: Prepared | undefined, a: Action, made: Action[]): Promise<void> {
  switch (a.do) {
    case 'remove-container':
      await applyNow(host, (e) => planRemoveWithVolumes(e, a.container, { force: true, volumes: a.volumes === true }));
      return;
    case 'remove-volume':
      await applyNow(host, async (e) => planRemoveVolume(e, a.volume));
      return;
    case 'remove-network':
      await applyNow(host, (e) => planRemoveNetwork(e, a.network));
      return;
    case 'create-network': {
      const spec = prepared?.networks.get(a.network);
      if (!spec) throw new InternalError(`no spec for network ${a.network}`);
      made.push(a);
      await applyNow(host, (e) => planCreateNetwork(e, spec));
      return;
    }
    case 'run':
      made.push(a);
      await runService(host, prepared, a.service, a.container);
      return;
    case 'start':
      await applyNow(host, (e) => planStart(e, a.container));
      return;
    case 'allow':
      await applyNow(host, (e) => planChangeAllows(e, a.add, a.remove));
      return;
    default:
      return;
  }
}

async function undo(host: Host, made: readonly Action[]): Promise<ErrorList> {
  const errors = new ErrorList();
  for (const a of [...made].reverse()) {
    if (a.do === 'run') {
      await errors.attempt('remove container', a.container, async () => {
        if (host.store().containers.get(a.container)?.name === a.container)
          await applyNow(host, (e) => planRemoveContainer(e, a.container, true));
      });
    } else if (a.do === 'create-network') {
      await errors.attempt('remove network', a.network, async () => {
        if (host.store().networks.get(a.network)?.name === a.network)
          await applyNow(host, (e) => planRemoveNetwork(e, a.network));
      });
    }
  }
  return errors;
}

/** Runs the actions in order; `done` gets the line of each action done. */
export async function applyActions(
  host: Host,
  plan: readonly Action[],
  prepared: Prepared | undefined,
  done: (line: string) => void,
  wait: { timeoutMs?: number | undefined; project?: ComposeProject; ephemeral?: readonly [number, number] } = {},
): Promise<void> {
  // The default network takes the first free pool before a project network could.
  if (plan.some((a) => a.do === 'create-network')) await ensureDefaultNetwork(host);
  const made: Action[] = [];
  for (const a of plan) {
    // Outside the rollback: a dependency that failed stays for the user to look at, as compose leaves it.
    await waitBefore(host, prepared, a, done, wait.timeoutMs);
    try {
      if (wait.project) await hooksBefore(host, wait.project, wait.ephemeral ?? [32768, 60999], plan, a, done);
      await one(host, prepared, a, made);
      await hooksAfter(host, prepared, a, done);
    } catch (err) {
      const rollback = await undo(host, made);
      const what =
        a.do === 'remove-network' || a.do === 'create-network'
          ? `network ${a.network}`
          : a.do === 'remove-volume'
            ? `volume ${a.volume}`
            : `container ${a.container}`;
      const message = `${a.do} ${what}: ${messageOf(err)}${made.length > 0 ? ` (this run's ${made.length} new container(s) and network(s) removed again${rollback.errors.length ? `, but: ${rollback.errors.map(messageOf).join('; ')}` : ''})` : ''}`;
      // A failed action exits 1, as the man page says: never the launcher's own 125-127.
      throw err instanceof NetctlError
        ? new NetctlError(err.code, message, { exitCode: 1, hint: err.hint, cause: err })
        : new InternalError(message, err);
    }
    const line = doneLine(a);
    if (line) done(line);
    if (a.do === 'run' || a.do === 'start') await ensureHealthRunner(host, [a.container]);
  }
}

/** Before a service runs or starts: its dependencies' conditions (ops/compose-wait.ts). */
async function waitBefore(
  host: Host,
  prepared: Prepared | undefined,
  a: Action,
  done: (line: string) => void,
  timeoutMs: number | undefined,
): Promise<void> {
  if (a.do !== 'run' && a.do !== 'start') return;
  const deps = prepared?.requests.get(a.service)?.waitFor;
  if (!deps) return;
  const byService = new Map(prepared!.desired.services.map((s) => [s.service, s.container]));
  await waitForDependencies(host, a.service, deps, (s) => byService.get(s) ?? s, { warn: done, timeoutMs });
}
