/**
 * What `netctl doctor` says about Docker's containers: their ufw route rules against what
 * the database and the labels want now, and the watch loop not running while rules depend
 * on it. Only looked at when netctl has Docker rules or the netctl-docker block is
 * installed; a Docker that does not answer is one finding, not a failure.
 */
import type { Store } from '../store/index.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import type { DockerApi } from './client.js';
import { runningContainers } from './containers.js';
import { dockerDrift } from './sync.js';
import { labelRules } from './routes.js';
import { watchPidFile, watcherPid } from './pidfile.js';

/** One finding, in doctor's shape. */
export interface DockerFinding {
  area: 'docker';
  problem: string;
  fix: string;
}

/** The findings (none when netctl manages nothing of Docker's); `api` opens Docker's client when needed. */
export async function diagnoseDocker(
  store: Store,
  ufw: UfwDeps,
  api: () => DockerApi,
  runRoot: string,
  blockInstalled: boolean,
): Promise<DockerFinding[]> {
  const stored = store.dockerAllows.list();
  if (stored.length === 0 && !blockInstalled) return [];
  let containers: Awaited<ReturnType<typeof runningContainers>>;
  try {
    containers = await runningContainers(api());
  } catch (err) {
    return stored.length === 0
      ? []
      : [
          {
            area: 'docker',
            problem: `cannot check the rules of Docker's containers: ${(err as Error).message}`,
            fix: 'start Docker, or set DOCKER_HOST',
          },
        ];
  }
  const out: DockerFinding[] = [];
  const drift = await dockerDrift(store, ufw, containers);
  for (const m of drift.missing)
    out.push({ area: 'docker', problem: `ufw route rule missing: ${m}`, fix: 'netctl docker sync' });
  for (const s of drift.stale)
    out.push({ area: 'docker', problem: `stale netctl ufw route rule: ${s}`, fix: 'netctl docker sync' });
  const labelled = containers.some((c) => labelRules(c).rules.length > 0);
  if ((stored.length > 0 || labelled) && watcherPid(watchPidFile(runRoot)) === undefined) {
    out.push({
      area: 'docker',
      problem: 'netctl docker watch is not running: the rules of Docker containers do not follow them to new addresses',
      fix: 'systemctl enable --now netctl-docker.service (rules/systemd/netctl-docker.service)',
    });
  }
  return out;
}
