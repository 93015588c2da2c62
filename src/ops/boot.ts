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
import { startContainer, type StartResult } from './container.js';
import { hostConfig } from './host-config.js';
import type { Host } from './host.js';
import type { DryRunOption } from './network.js';

const AT_BOOT = new Set(['always', 'unless-stopped']);

/** The containers a boot starts, in creation order. Pure. */
export function bootCandidates(containers: readonly Container[]): Container[] {
  return containers.filter((c) => {
    const policy = (hostConfig(c) as { RestartPolicy: { Name: string } }).RestartPolicy.Name;
    return AT_BOOT.has(policy) && (c.state === 'running' || c.state === 'restarting');
  });
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
      if (!o.dryRun && r.started) log.info('started at boot', { container: c.name, image: c.image });
    });
  }
  for (const e of errors.errors) log.error(e.message, { container: /"([^"]+)"/.exec(e.message)?.[1] });
  errors.throwIfAny();
  return out;
}
