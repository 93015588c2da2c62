/**
 * The waits of `compose up`: before a service starts, its dependencies' conditions
 * (service_healthy, service_completed_successfully); with `--wait`, every service running
 * or healthy. Polls the monitors' state files and the health runner's records, bounded by
 * a timeout; a failure is one line naming the service and its container.
 */
import { conditionVerdict, type ContainerNow, readyVerdict, type Verdict } from '../compose/wait.js';
import type { ComposeProject, DependsCondition } from '../compose/types.js';
import { NetctlError } from '../errors.js';
import { containerPaths } from '../runtime/paths.js';
import { liveStatus, readState } from '../runtime/state.js';
import { healthOf } from './health.js';
import type { Host } from './host.js';

/** How long `up` waits for one dependency, or `--wait` for everything, by default. */
export const WAIT_TIMEOUT_MS = 300_000;
const POLL_MS = 100;

/** What container `name` is doing now. */
export async function containerNow(host: Host, name: string): Promise<ContainerNow> {
  const c = host.store().containers.get(name);
  if (!c || c.name !== name) return { container: name };
  const st = await readState(containerPaths(host.paths, c.id).state).catch(() => null);
  const status = st ? liveStatus(st) : c.state;
  const h = healthOf(host, c, st);
  return {
    container: name,
    status,
    exitCode: st?.exitCode ?? c.exitCode ?? null,
    ...(h ? { health: h.Status } : {}),
  };
}

/** Polls `verdict` until it is not "wait"; a timeout fails with `what`. */
async function until(verdict: () => Promise<Verdict>, timeoutMs: number, what: string): Promise<Verdict> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await verdict();
    if (!('wait' in v)) return v;
    if (Date.now() > end) return { fail: `${what} after ${Math.round(timeoutMs / 1000)}s` };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Waits for `service`'s dependencies; `containerOf` maps a service to its container name.
 * A failed dependency that is not `required` is only reported through `warn`.
 */
export async function waitForDependencies(
  host: Host,
  service: string,
  deps: readonly DependsCondition[],
  containerOf: (service: string) => string,
  o: { timeoutMs?: number | undefined; warn?: (line: string) => void } = {},
): Promise<void> {
  for (const d of deps) {
    if (d.condition === 'service_started') continue;
    const name = containerOf(d.service);
    const what = d.condition === 'service_healthy' ? `container ${name} not healthy` : `container ${name} not done`;
    const v = await until(
      async () => conditionVerdict(d.condition, await containerNow(host, name)),
      o.timeoutMs ?? WAIT_TIMEOUT_MS,
      what,
    );
    if (!('fail' in v)) continue;
    const line = `service "${service}" depends on "${d.service}": ${v.fail}`;
    if (!d.required) o.warn?.(`warning: ${line} (not required: starting it anyway)`);
    else throw new NetctlError('dependency', `dependency failed to start: ${line}`, { exitCode: 1 });
  }
}

/**
 * `up --wait`: every chosen service's container (all with none chosen, and what they depend
 * on) running, or healthy when it has a check.
 */
export async function waitReady(
  host: Host,
  project: ComposeProject,
  chosen: readonly string[],
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<void> {
  const byName = new Map(project.services.map((s) => [s.name, s]));
  const want = new Set<string>();
  const add = (n: string): void => {
    if (want.has(n)) return;
    want.add(n);
    for (const d of byName.get(n)?.dependsOn ?? []) add(d);
  };
  for (const n of chosen.length > 0 ? chosen : [...byName.keys()]) add(n);
  const completes = new Set(
    project.services.flatMap((s) =>
      (s.waitFor ?? []).filter((d) => d.condition === 'service_completed_successfully').map((d) => d.service),
    ),
  );
  for (const s of project.services
    .filter((x) => want.has(x.name))
    .map((x) => ({
      service: x.name,
      container: x.containerName,
      completes: completes.has(x.name),
    }))) {
    const v = await until(
      async () => readyVerdict(await containerNow(host, s.container), s.completes),
      timeoutMs,
      `container ${s.container} not ready`,
    );
    if ('fail' in v) throw new NetctlError('wait', `service "${s.service}" is not ready: ${v.fail}`, { exitCode: 1 });
  }
}
