/**

 * With --dry-run the plan goes to stdout and the summary to stderr.
 */
import type { CommandContext } from '../context.js';
import { DOCKER_BLOCK } from '../../docker/block-kind.js';
import { dockerBlock } from '../../ops/docker.js';
import { renderApply } from '../../ops/ufw.js';
import { formatPlan } from '../format/plan.js';

export default async function dockerInstall(ctx: CommandContext): Promise<number> {
  const out = await dockerBlock(ctx.host, 'install', { dryRun: ctx.opts.dryRun === true });
  if (!out.applied) {
    ctx.stdout.write(formatPlan(out.plan));
    ctx.stderr.write(renderApply(out.result, 'install', true, DOCKER_BLOCK));
  } else {
    ctx.stdout.write(renderApply(out.result, 'install', false, DOCKER_BLOCK));
    for (const l of out.bridges ?? []) ctx.stdout.write(`${l}\n`);
  }
  return 0;
}
