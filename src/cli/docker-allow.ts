/**
 * `netctl allow|deny NAME` when NAME is not one of netctl's containers: Docker's, through
 * the Engine API at `--docker-host` (or DOCKER_HOST, or /var/run/docker.sock).
 */
import type { CommandContext } from './context.js';
import type { Store } from '../store/index.js';
import type { AllowRequest, AllowResult } from '../engine/allow.js';
import { dockerApi, dockerSocket } from '../docker/client.js';
import { dockerAllow, dockerDeny } from '../docker/allow.js';
import { defaultUfwDeps } from '../firewall/ufw/ufw-deps.js';

/** Runs allow or deny on a Docker container. */
export function dockerAllowOrDeny(store: Store, ctx: CommandContext, req: AllowRequest, remove: boolean): Promise<AllowResult> {
  const api = dockerApi(dockerSocket(ctx.opts.dockerHost as string | undefined));
  const opts = { dryRun: ctx.opts.dryRun === true };
  return (remove ? dockerDeny : dockerAllow)(store, api, defaultUfwDeps(), req, opts);
}
