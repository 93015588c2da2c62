/**
 * What a killed build leaves: its RUN container (labelled with the build's pid), removed by
 * the next build or `builder prune`, as the layer store's `.tmp-<pid>-*` directories are by
 * its sweep. A container of a live build is left alone.
 */
import { BUILD_PID_LABEL } from './build-run.js';
import { removeContainer } from './container.js';
import type { Host } from './host.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Names of build containers whose build is gone. */
export function orphanBuildContainers(host: Host): string[] {
  return host
    .store()
    .containers.list({ all: true })
    .filter((c) => {
      const pid = Number((c.config as { labels?: Record<string, string> }).labels?.[BUILD_PID_LABEL]);
      return pid > 0 && pid !== process.pid && !alive(pid);
    })
    .map((c) => c.name);
}

/** Removes the build containers of builds that are gone; returns their names. */
export async function sweepBuildContainers(host: Host): Promise<string[]> {
  const names = orphanBuildContainers(host);
  for (const n of names) await removeContainer(host, n, { force: true, volumes: true });
  return names;
}
