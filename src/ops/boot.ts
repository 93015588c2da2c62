/**
 * `netctl boot`: after a reboot, starts the containers that Docker's daemon would start on
 * its own start: restart policy `always` or `unless-stopped`, and recorded as running when
 * the machine went down (a container its user stopped stays stopped, which is what
 * unless-stopped means; netctl records both policies alike). Each start rebuilds the
 * container's namespace with its recorded addresses and its published ports' rules; the
 * netctl-containers unit runs it after netctl.service has replayed the networks and rules
 * and ufw has loaded netctl's block, so no container runs before its ports' guard.
 */
import type { Container } from '../model/container.js';
import { ErrorList } from '../errors.js';
import { logger } from '../sys/log.js';
import { stopProcess } from '../engine/containers.js';
import { startContainer, stopGraceMs, type StartResult } from './container.js';
import { hostConfig } from './host-config.js';
import type { Host } from './host.js';
import type { DryRunOption } from './network.js';
import { planDown } from '../engine/down.js';
import { transactPreview } from './tx.js';

const AT_BOOT = new Set(['always', 'unless-stopped']);

/** The containers a boot starts, in creation order. Pure. */
export function bootCandidates(containers: readonly Container[]): Container[] {
  return containers.filter((c) => {
    const policy = (hostConfig(c) as { RestartPolicy: { Name: string } }).RestartPolicy.Name;
    return AT_BOOT.has(policy) && (c.state === 'running' || c.state === 'restarting');
  });
}

/** The names of the networks C is attached to, comma-separated (a log field). */
function networks(host: Host, c: Container): string | undefined {
  const s = host.store();
  const names = s.endpoints.forContainer(c.id).map((e) => s.networks.get(e.networkId)?.name ?? e.networkId);
  return names.length > 0 ? names.join(',') : undefined;
}

/** Starts every boot candidate not running yet; all are tried, failures are thrown together at the end. */
export async function bootContainers(host: Host, o: DryRunOption = {}): Promise<StartResult[]> {
  const log = logger();
  const errors = new ErrorList();
  const out: StartResult[] = [];
  for (const c of bootCandidates(host.store().containers.list())) {
    await errors.attempt('start container', c.name, async () => {
      const r = (await startContainer(host, c.id, o)).result;
      out.push(r);
      if (!o.dryRun && r.started)
        log.info('started at boot', { container: c.name, image: c.image, network: networks(host, c) });
    });
  }
  for (const e of errors.errors) log.error(e.message, { container: /"([^"]+)"/.exec(e.message)?.[1] });
  errors.throwIfAny();
  return out;
}

/** The containers a shutdown stops: every one recorded as running. Pure. */
export function shutdownCandidates(containers: readonly Container[]): Container[] {
  return containers.filter((c) => c.state === 'running' || c.state === 'restarting');
}

/**
 * At shutdown (netctl-containers.service's ExecStop): stops every running container's
 * processes with its own grace (SIGTERM, SIGKILL after its stop timeout), all at once, as
 * dockerd does when it stops, so that the machine powers off within the longest grace rather
 * than after systemd's last kill. The records are left as they are: the containers were
 * running when the machine went down, so `netctl boot` starts them again. All are tried;
 * failures are thrown together. Returns the containers stopped.
 */
export async function shutdownContainers(host: Host): Promise<Container[]> {
  const log = logger();
  const errors = new ErrorList();
  const running = shutdownCandidates(host.store().containers.list());
  const stopped: Container[] = [];
  await Promise.all(
    running.map((c) =>
      errors.attempt('stop container', c.name, async () => {
        await stopProcess(host.paths, c, stopGraceMs(c));
        stopped.push(c);
        log.info('stopped at shutdown', { container: c.name });
      }),
    ),
  );
  for (const e of errors.errors) log.error(e.message, { container: /"([^"]+)"/.exec(e.message)?.[1] });
  errors.throwIfAny();
  return stopped;
}

/**
 * `netctl boot --shutdown --down` (the package's prerm at `apt remove`): after the containers
 * stopped, every network's bridge and netctl's rules taken down, the records kept
 * (engine/down.ts). Returns what it applied, as text ('' when nothing was up).
 */
export async function takeDown(host: Host): Promise<string> {
  return (await transactPreview(host, {}, planDown)).result;
}
