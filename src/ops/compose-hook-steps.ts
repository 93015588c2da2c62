/**
 * Where compose's lifecycle hooks fall among `up`'s and `down`'s actions: a service's
 * pre_start steps before its first new container is made (unless one of its containers
 * stays running), pre_stop before a running container is removed, post_start once a
 * container runs (made or started again).
 */
import type { Action } from '../compose/plan.js';
import type { Prepared } from '../compose/prepare.js';
import type { ComposeProject } from '../compose/types.js';
import { liveStatus, readState } from '../runtime/state.js';
import { containerPaths } from '../runtime/paths.js';
import { runHooks } from './compose-hooks.js';
import { runPreStart } from './compose-prestart.js';
import type { Host } from './host.js';

async function running(host: Host, container: string): Promise<boolean> {
  const c = host.store().containers.get(container);
  if (!c) return false;
  const st = await readState(containerPaths(host.paths, c.id).state);
  return st !== null && liveStatus(st) === 'running';
}

/** The hooks due before action A of PLAN. */
export async function hooksBefore(
  host: Host,
  p: ComposeProject,
  ephemeral: readonly [number, number],
  plan: readonly Action[],
  a: Action,
  done: (line: string) => void,
): Promise<void> {
  if (a.do !== 'run' && a.do !== 'remove-container') return;
  const s = p.services.find((x) => x.name === a.service);
  if (!s?.hooks) return;
  if (a.do === 'remove-container') {
    const c = host.store().containers.get(a.container);
    if (c && s.hooks.preStop && (await running(host, a.container)))
      await runHooks(host, s.name, c, s.hooks.preStop, done);
    return;
  }
  const mine = plan.filter((x) => 'service' in x && x.service === s.name);
  const first = mine.find((x) => x.do === 'run') === a;
  if (s.hooks.preStart && first && !mine.some((x) => x.do === 'keep')) await runPreStart(host, p, s, ephemeral, done);
}

/** The hooks due after action A: post_start of a container made or started. */
export async function hooksAfter(
  host: Host,
  prepared: Prepared | undefined,
  a: Action,
  done: (line: string) => void,
): Promise<void> {
  if (a.do !== 'run' && a.do !== 'start') return;
  const hooks = (prepared?.byContainer?.get(a.container) ?? prepared?.requests.get(a.service))?.hooks?.postStart;
  const c = host.store().containers.get(a.container);
  if (hooks && c) await runHooks(host, a.service, c, hooks, done);
}
