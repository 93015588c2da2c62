/**
 * `netctl docker status [--json]`: the netctl-docker block, Docker, the watch loop, and each
 * published port of Docker's running containers with what opens it.
 */
import type { CommandContext } from '../context.js';
import { Store } from '../../store/index.js';
import { observeUfw } from '../../firewall/ufw/observe.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';
import { DOCKER_BLOCK } from '../../docker/block-kind.js';
import { dockerApi, dockerSocket } from '../../docker/client.js';
import { runningContainers } from '../../docker/containers.js';
import type { DockerContainer } from '../../docker/model.js';
import { desiredDockerRoutes } from '../../docker/routes.js';
import { dockerDrift } from '../../docker/sync.js';
import { watchPidFile, watcherPid } from '../../docker/pidfile.js';
import { familyStatus, portStatus, renderDockerStatus, type DockerStatus } from '../../docker/status.js';

export default async function dockerStatus(ctx: CommandContext): Promise<void> {
  const ufw = defaultUfwDeps();
  const api = dockerApi(dockerSocket(ctx.opts.dockerHost as string | undefined));
  const store = Store.open({ root: ctx.global.root });
  try {
    const view = await observeUfw(ufw, DOCKER_BLOCK);
    let containers: DockerContainer[] = [];
    let error: string | undefined;
    try {
      containers = await runningContainers(api);
    } catch (err) {
      error = (err as Error).message;
    }
    const routes = desiredDockerRoutes(store.dockerAllows.list(), containers);
    const pid = watcherPid(watchPidFile(ctx.global.runRoot));
    const status: DockerStatus = {
      ufw: { active: view.families[0]?.running ?? false, routedPolicy: view.routedPolicy },
      families: familyStatus(view),
      docker: { socket: api.socket, containers: containers.length, ...(error ? { error } : {}) },
      watch: pid === undefined ? { running: false } : { running: true, pid },
      ports: portStatus(containers, routes),
      drift: error || !view.installed ? { missing: [], stale: [] } : await dockerDrift(store, ufw, containers),
    };
    ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(status, null, 2)}\n` : renderDockerStatus(status));
  } finally {
    store.close();
  }
}
