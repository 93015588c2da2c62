/**
 * `netctl docker check`: the diff `netctl docker install` would make, on stdout; exit 1 when
 * the files or the running firewall need a change, 0 when the block is current.
 */
import type { CommandContext } from '../context.js';
import { checkBlock } from '../../firewall/ufw/apply.js';
import { renderCheck, renderDiffs } from '../../firewall/ufw/report.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';
import { DOCKER_BLOCK } from '../../docker/block-kind.js';

export default async function dockerCheck(ctx: CommandContext): Promise<number> {
  const result = await checkBlock(defaultUfwDeps(), DOCKER_BLOCK);
  ctx.stdout.write(renderDiffs(result));
  ctx.stderr.write(renderCheck(result, DOCKER_BLOCK));
  return result.changed ? 1 : 0;
}
