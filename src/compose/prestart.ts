/**
 * A `pre_start` step as a service of its own, from which `serviceRequest` makes its run
 * request: the hook's image (else the service's) and command, the service's environment
 * under the hook's, its user, working directory and privileges, the service's networks and
 * the mounts a step can share (named volumes and binds: anonymous volumes and tmpfs are the
 * container's own, as compose notes), no ports, no restart, no health check. Pure.
 */
import { parseUser, capabilityMask } from '../model/process-options.js';
import { mergeEnv } from '../engine/run-network.js';
import type { ComposeHook, ComposeService } from './types.js';

/** The container name of step I (from 0) of the service whose first container is CONTAINER. */
export function preStartName(container: string, i: number): string {
  return `${container}-pre_start-${i + 1}`;
}

/** The service that runs step I (HOOK) of S. */
export function preStartService(s: ComposeService, hook: ComposeHook, i: number): ComposeService {
  const own = hook.image !== undefined && hook.image !== s.image;
  const out: ComposeService = {
    ...s,
    containerName: preStartName(s.containerName, i),
    image: hook.image ?? s.image,
    environment: mergeEnv(s.environment, hook.environment),
    ports: [],
    expose: [],
    volumes: s.volumes.filter((m) => m.type === 'bind' || (m.type === 'volume' && m.name !== undefined)),
    volumesFrom: [],
    restart: 'no',
    allow: [],
    dependsOn: [],
    links: [],
  };
  for (const k of ['healthcheck', 'waitFor', 'hooks', 'replicas', 'restartMax', 'tty', 'stdinOpen'] as const)
    delete out[k];
  // A hook image brings its own entrypoint and user; the service's are not its.
  if (own) {
    delete out.entrypoint;
    delete out.user;
  }
  if (hook.command) out.command = hook.command;
  else delete out.command;
  if (hook.user !== undefined) out.user = parseUser(hook.user);
  if (hook.workingDir !== undefined) out.workingDir = hook.workingDir;
  if (hook.privileged) {
    const limits = out.limits ?? {};
    out.limits = {
      ...limits,
      proc: { ...limits.proc, caps: capabilityMask([], [], true) },
      options: { ...limits.options, privileged: true },
    };
  }
  return out;
}
