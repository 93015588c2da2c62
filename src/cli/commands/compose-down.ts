/**
 * `netctl compose down [-v] [--remove-orphans] [--dry-run]`: every container of the project
 * (last started first), then every network netctl made for it; nothing of it is left.
 */
import type { CommandContext } from '../context.js';
import { composeName, rootsOf } from '../compose-context.js';
import { observe } from '../../compose/observe.js';
import { describeAction, planDown } from '../../compose/plan.js';
import { applyPlan } from '../../compose/apply.js';

export default async function composeDown(ctx: CommandContext): Promise<void> {
  const { name } = await composeName(ctx);
  const _roots = rootsOf(ctx);
  const engine = await ctx.host.engine();
  try {
    const plan = planDown(await observe(engine, name));
    if (ctx.opts.dryRun) {
      ctx.stdout.write(plan.length ? `${plan.map(describeAction).join('\n')}\n` : 'nothing to change\n');
      return;
    }
    await applyPlan(engine, plan, undefined, (line) => ctx.stdout.write(`${line}\n`));
  } finally {
    engine.close();
  }
}
