/**
 * `pre_start`, as Docker Compose runs it: before a service's first container starts (and
 * not while one of its containers runs), each step in order in an ephemeral container
 * (compose/prestart.ts) on the service's first network with its shared mounts, followed
 * through its log; removed with its anonymous volumes when it exits 0, kept for `logs` and
 * `inspect` when it does not, and then the service does not start. A step left by an
 * earlier failed run is removed first.
 */
import { HOOK_LABEL, ONEOFF, PROJECT, SERVICE } from '../compose/labels.js';
import { labelsOf } from '../compose/observe.js';
import { preStartName, preStartService } from '../compose/prestart.js';
import { serviceRequest } from '../compose/request.js';
import type { ComposeProject, ComposeService } from '../compose/types.js';
import { UsageError } from '../errors.js';
import type { Host } from './host.js';
import { ensureImage } from './pull-policy.js';
import { removeContainer } from './container.js';
import { runContainer } from './run.js';

const TAIL = 10;

/** Removes the pre_start containers project NAME kept (failed steps), as `compose down` does. */
export async function removeHookContainers(host: Host, name: string): Promise<void> {
  for (const c of host.store().containers.list({ all: true })) {
    const l = labelsOf(c);
    if (l[PROJECT] === name && l[HOOK_LABEL] === 'pre_start')
      await removeContainer(host, c.id, { force: true, volumes: true });
  }
}

/** Runs the pre_start steps of S (of project P); `line` gets each line of their output. */
export async function runPreStart(
  host: Host,
  p: ComposeProject,
  s: ComposeService,
  ephemeral: readonly [number, number],
  line: (text: string) => void,
): Promise<void> {
  const steps = s.hooks?.preStart ?? [];
  for (const [i, hook] of steps.entries()) {
    const name = preStartName(s.containerName, i);
    if (host.store().containers.get(name)?.name === name)
      await removeContainer(host, name, { force: true, volumes: true });
    const svc = preStartService(s, hook, i);
    const image = await ensureImage(host, svc.image, s.pullPolicy ?? 'missing');
    const labels = { [PROJECT]: p.name, [SERVICE]: s.name, [ONEOFF]: 'True', [HOOK_LABEL]: 'pre_start' };
    const req = serviceRequest(p, svc, image, labels, ephemeral);
    const tails = { stdout: [] as string[], stderr: [] as string[] };
    const { exitCode } = await runContainer(
      host,
      req.run,
      { dns: req.dns, dnsSearch: req.dnsSearch, dnsOptions: req.dnsOptions, extraHosts: req.extraHosts },
      {
        output: (e) => {
          if (e.p) return;
          line(`${name} -> ${e.l}`);
          tails[e.s].push(e.l);
          if (tails[e.s].length > TAIL) tails[e.s].shift();
        },
      },
    );
    if (exitCode !== 0) {
      const tail = (tails.stderr.length ? tails.stderr : tails.stdout).join('\n');
      throw new UsageError(
        `${s.name} pre_start[${i}] exited with status ${exitCode}${tail ? `: ${tail}` : ''} (container ${name} kept for inspection)`,
        `netctl logs ${name}`,
      );
    }
    await removeContainer(host, name, { force: true, volumes: true });
  }
}
