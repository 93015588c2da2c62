/**
 * `netctl history IMAGE [--no-trunc] [-q] [--format TPL] [--json]` (and `netctl image
 * history`): the steps that made an image, newest first, with the size of each one's layer.
 */
import type { CommandContext } from '../context.js';
import { imageHistory } from '../../ops/image-history.js';
import { historyFields, historyTable, renderHistory } from '../format/history-format.js';

export default async function history(ctx: CommandContext): Promise<void> {
  const rows = await imageHistory(ctx.host, ctx.args[0] as string);
  const view = { noTrunc: ctx.opts.trunc === false, now: Date.now() };
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (ctx.opts.quiet) ctx.stdout.write(rows.map((r) => `${historyFields(r, view).ID}\n`).join(''));
  else if (typeof ctx.opts.format === 'string') ctx.stdout.write(renderHistory(rows, ctx.opts.format, view));
  else ctx.stdout.write(historyTable(rows, view));
}
