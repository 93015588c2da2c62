/**
 * `netctl push NAME[:TAG]` (and `netctl image push`): a stored image to its registry, with a
 * line per layer (`-q`: only the digest; `--json`: the result; `--dry-run`: the plan).
 */
import type { CommandContext } from '../context.js';
import { formatPlan } from '../format/plan.js';
import { pushProgress } from '../format/push-progress.js';
import { planPush, pushImage } from '../../ops/push.js';
import { parseRegistryRef } from '../../ops/registry-ref.js';
import { UsageError } from '../../errors.js';
import { registryOpts } from './pull.js';

export default async function push(ctx: CommandContext): Promise<void> {
  const given = ctx.args[0] as string;
  const format = (ctx.opts.format as string | undefined) ?? 'docker';
  if (format !== 'docker' && format !== 'oci') throw new UsageError(`invalid --format "${format}": give docker or oci`);
  const ref = parseRegistryRef(given);
  if (ctx.opts.dryRun === true) {
    const plan = await planPush(ctx.host, given, format);
    return void ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  }
  const quiet = ctx.opts.quiet === true || ctx.opts.json === true;
  const tty = (ctx.stdout as { isTTY?: boolean }).isTTY === true;
  const r = await pushImage(ctx.host, given, {
    ...registryOpts(ctx, ref.registry),
    format,
    ...(quiet ? {} : { onEvent: pushProgress(ctx.stdout, tty) }),
  });
  if (ctx.opts.json) return void ctx.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  if (ctx.opts.quiet) return void ctx.stdout.write(`${r.digest}\n`);
  ctx.stdout.write(`${parseRegistryRef(given).tag ?? 'latest'}: digest: ${r.digest} size: ${r.size}\n`);
}
