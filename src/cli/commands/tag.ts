/** `netctl tag SOURCE TARGET`: points the name TARGET at the image SOURCE names. */
import type { CommandContext } from '../context.js';
import { planTagImage, tagImage } from '../../ops/image.js';
import { formatPlan } from '../format/plan.js';

export default async function tag(ctx: CommandContext): Promise<void> {
  if (ctx.opts.dryRun === true) {
    const plan = await planTagImage(ctx.host, ctx.args[0] as string, ctx.args[1] as string);
    return void ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  }
  const name = await tagImage(ctx.host, ctx.args[0] as string, ctx.args[1] as string);
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify({ tagged: name }, null, 2)}\n`);
}
