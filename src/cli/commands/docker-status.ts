/**
 * `netctl docker status [--json]`: the netctl-docker block, Docker, the watch loop, and each
 * published port of Docker's running containers with what opens it.
 */
import type { CommandContext } from '../context.js';
import { observeUfw } from '../../firewall/ufw/observe.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';
import { DOCKER_BLOCK } from '../../docker/block-kind.js';
import { dockerApi, dockerSocket } from '../../docker/client.js';
import { runningContainers } from '../../docker/containers.js';
import type { DockerContainer } from '../../docker/model.js';
import { desiredDockerRoutes } from '../../docker/routes.js';
import { dockerDrift } from '../../docker/sync.js';
import { watchPidFile, watcherPid } from '../../docker/pidfile.js';
import {
  effectiveRoutes,
  familyStatus,
  ipv6Note,
  portStatus,
  renderDockerStatus,
  type DockerStatus,
} from '../../docker/status.js';
import { hasChain } from '../../firewall/ufw/plan.js';

export default async function dockerStatus(ctx: CommandContext): Promise<void> {
  const ufw = defaultUfwDeps();
  const api = dockerApi(dockerSocket(ctx.opts.dockerHost as string | undefined));
  const store = ctx.host.store();
  try {
    const view = await observeUfw(ufw, DOCKER_BLOCK);
    let containers: DockerContainer[] = [];
    let error: string | undefined;
    try {
      containers = await runningContainers(api);
    } catch (err) {
      error = (err as Error).message;
    }
    const live6 = view.families.find((f) => f.family === 6)?.live;
    // Docker's filter chain DOCKER exists in a family exactly when it makes rules there.
    const ip6tables = live6 === undefined || hasChain(live6, 'DOCKER');
    const routes = effectiveRoutes(desiredDockerRoutes(store.dockerAllows.list(), containers), ip6tables);
    const ipv6 = ipv6Note(containers, ip6tables);
    const pid = watcherPid(watchPidFile(ctx.global.runRoot));
    const status: DockerStatus = {
      ufw: { active: view.families[0]?.running ?? false, routedPolicy: view.routedPolicy },
      families: familyStatus(view),
      docker: { socket: api.socket, containers: containers.length, ...(error ? { error } : {}) },
      watch: pid === undefined ? { running: false } : { running: true, pid },
      ports: portStatus(containers, routes),
      drift: error || !view.installed ? { missing: [], stale: [] } : await dockerDrift(store, ufw, containers),
      ...(ipv6 ? { ipv6 } : {}),
    };
    ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(status, null, 2)}\n` : renderDockerStatus(status));
  } finally {
    store.close();
  }
}
