/**

 * With --dry-run the plan goes to stdout and the summary to stderr.
 */
import type { CommandContext } from '../context.js';
import { DOCKER_BLOCK } from '../../docker/block-kind.js';
import { dockerBlock } from '../../ops/docker.js';
import { renderApply } from '../../ops/ufw.js';
import { formatPlan } from '../format/plan.js';

export default async function dockerUninstall(ctx: CommandContext): Promise<number> {
  const out = await dockerBlock(ctx.host, 'uninstall', { dryRun: ctx.opts.dryRun === true });
  if (!out.applied) {
    ctx.stdout.write(formatPlan(out.plan));
    ctx.stderr.write(renderApply(out.result, 'uninstall', true, DOCKER_BLOCK));
  } else {
    ctx.stdout.write(renderApply(out.result, 'uninstall', false, DOCKER_BLOCK));
  }
  return 0;
}
