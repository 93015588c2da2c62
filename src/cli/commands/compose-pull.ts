/** `netctl compose pull [SERVICE...]`: pulls the image of every service (or of those named). */
import type { CommandContext } from '../context.js';
import { composeProject } from '../compose-context.js';
import { pullProgress } from '../format/pull-progress.js';
import { composePull } from '../../ops/compose.js';

export default async function composePullCmd(ctx: CommandContext): Promise<void> {
  const project = await composeProject(ctx);
  const services = (ctx.args[0] as string[] | undefined) ?? [];
  const quiet = ctx.opts.quiet === true || ctx.opts.json === true;
  const tty = (ctx.stdout as { isTTY?: boolean }).isTTY === true;
  const out = await composePull(ctx.host, project, services, quiet ? {} : { onEvent: pullProgress(ctx.stdout, tty) });
  if (ctx.opts.json) return void ctx.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (!ctx.opts.quiet) for (const o of out) ctx.stdout.write(`${o.service}: ${o.image} ${o.pulled.digest}\n`);
}
