/**
 * `netctl image rm [--dry-run] NAME...`: untag names; delete images no name points at any
 * more. Goes on after a failure and reports every one. `--dry-run` refuses what rm would
 * refuse and prints the plan of the rest, removing nothing.
 */
import type { CommandContext } from '../context.js';
import { formatPlan } from '../format/plan.js';
import { type ChangePlan, joinPlans } from '../../ops/tx.js';
import { planRemoveImage, removeImage, type RemoveResult } from '../../ops/image.js';
import { ErrorList } from '../../errors.js';

export default async function imageRm(ctx: CommandContext): Promise<void> {
  const names = (ctx.args[0] as string[] | undefined) ?? [];
  const dryRun = ctx.opts.dryRun === true;
  const errors = new ErrorList();
  const done: (RemoveResult & { name: string; layers?: string[] })[] = [];
  const plans: ChangePlan[] = [];
  for (const name of names) {
    await errors.attempt('remove image', name, async () => {
      if (dryRun) return void plans.push(await planRemoveImage(ctx.host, name));
      const r = await removeImage(ctx.host, name);
      done.push({ name, ...r });
      if (ctx.opts.json) return;
      for (const t of r.untagged) ctx.stdout.write(`Untagged: ${t}\n`);
      if (r.deleted) ctx.stdout.write(`Deleted: sha256:${r.deleted}\n`);
      for (const l of r.layers ?? []) ctx.stdout.write(`Deleted: ${l}\n`);
    });
  }
  if (dryRun) ctx.stdout.write(formatPlan(joinPlans(...plans)));
  else if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
  errors.throwIfAny();
}
