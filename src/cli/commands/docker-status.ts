/**
 * `netctl docker status [--json]`: the netctl-docker block, Docker, the watch loop, and each
 * published port of Docker's running containers with what opens it.
 */
import type { CommandContext } from '../context.js';
import { renderDockerStatus } from '../../docker/status.js';
import { dockerClient, dockerStatus as status } from '../../ops/docker.js';

export default async function dockerStatus(ctx: CommandContext): Promise<void> {
  const s = await status(ctx.host, dockerClient(ctx.opts.dockerHost as string | undefined));
  ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(s, null, 2)}\n` : renderDockerStatus(s));
}
