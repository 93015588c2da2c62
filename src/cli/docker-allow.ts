/**
 * `netctl allow|deny NAME` when NAME is not one of netctl's containers: Docker's, through
 * the Engine API at `--docker-host` (or DOCKER_HOST, or /var/run/docker.sock).
 */
import type { CommandContext } from './context.js';
import type { Store } from '../store/index.js';
import type { AllowRequest, AllowResult } from '../engine/allow.js';
import { dockerApi, dockerSocket, isDockerUnreachable } from '../docker/client.js';
import { NetctlError } from '../errors.js';
import { dockerAllow, dockerDeny } from '../docker/allow.js';

/**
 * Runs allow or deny on a Docker container. A name that is not netctl's while Docker cannot
 * be asked is reported as the unknown container it is, with Docker's state as the hint.
 */
export async function dockerAllowOrDeny(
  store: Store,
  ctx: CommandContext,
  req: AllowRequest,
  remove: boolean,
): Promise<AllowResult> {
  const api = dockerApi(dockerSocket(ctx.opts.dockerHost as string | undefined));
  const opts = { dryRun: ctx.opts.dryRun === true };
  try {
    return await (remove ? dockerDeny : dockerAllow)(store, api, ctx.host.ufw, req, opts);
  } catch (err) {
    if (!isDockerUnreachable(err)) throw err;
    const why = err instanceof NetctlError ? err.message : String(err);
    throw new NetctlError(
      'not-found',
      `container "${req.name}" not found: not one of netctl's, and Docker cannot be asked (${why})`,
      { hint: err instanceof NetctlError ? err.hint : undefined },
    );
  }
}
