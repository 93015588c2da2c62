/**
 * Docker's route rules while dockerd is down (`netctl docker sync --if-down`, run by
 * netctl-docker.service before docker.service at boot, and the watch when Docker goes away).
 * The rules open container addresses, and Docker gives addresses again at each start: the
 * container that comes back first gets the first free one, which may be the one another
 * container had, so a rule left for it would open the other one's port until a sync. With
 * dockerd down its containers are down too: every rule goes, and the watch puts them on the
 * new addresses once Docker is back (stored rules stay in the database).
 */
import { dockerdPid } from '../docker/pidfile.js';
import type { Host } from './host.js';
import { type DockerSyncResult, planDockerRoutes } from './docker.js';
import { type Previewed, transactPreview } from './tx.js';

/** What `--if-down` did: the pid of the dockerd that runs (then nothing was done), or the sync. */
export type DownOutcome = { running: number } | { running?: undefined; sync: Previewed<DockerSyncResult> };

/**
 * Takes every Docker route rule out of ufw's files and its running chain when no dockerd runs
 * (the one `pidFile` names); with `dryRun` only the plan. While dockerd runs, nothing.
 */
export async function dockerSyncIfDown(
  host: Host,
  pidFile: string | undefined,
  opts: { dryRun?: boolean },
): Promise<DownOutcome> {
  const running = dockerdPid(pidFile);
  if (running !== undefined) return { running };
  return { sync: await transactPreview(host, opts, () => planDockerRoutes(host, [], [])) };
}
