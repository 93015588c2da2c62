/**
 * `netctl docker check`: the diff `netctl docker install` would make, on stdout; exit 1 when
 * the files or the running firewall need a change, 0 when the block is current.
 */
import type { CommandContext } from '../context.js';
import { DOCKER_BLOCK } from '../../docker/block-kind.js';
import { dockerCheck as check } from '../../ops/docker.js';
import { renderCheck, renderDiffs } from '../../ops/ufw.js';

export default async function dockerCheck(ctx: CommandContext): Promise<number> {
  const result = await check(ctx.host);
  ctx.stdout.write(renderDiffs(result));
  ctx.stderr.write(renderCheck(result, DOCKER_BLOCK));
  return result.changed ? 1 : 0;
}
