/**
 * `netctl save [-o FILE] [--format docker|oci|oci-dir] IMAGE...` (and `netctl image save`):
 * images as a `docker load` archive or an OCI layout; stdout unless `-o`.
 */
import type { CommandContext } from '../context.js';
import { formatPlan } from '../format/plan.js';
import { planSave, saveFormat, saveImages } from '../../ops/save.js';
import { UsageError } from '../../errors.js';

export default async function save(ctx: CommandContext): Promise<void> {
  const names = ctx.args[0] as string[];
  const format = saveFormat(ctx.opts.format as string | undefined);
  const output = ctx.opts.output as string | undefined;
  if (ctx.opts.dryRun === true) {
    const plan = await planSave(ctx.host, names, format, output);
    return void ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  }
  if (!output && (ctx.stdout as { isTTY?: boolean }).isTTY)
    throw new UsageError('save: refusing to write an archive to a terminal', 'give -o FILE or redirect stdout');
  const r = await saveImages(ctx.host, names, { format, ...(output ? { output } : {}), stdout: ctx.stdout });
  if (ctx.opts.json && output) ctx.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
