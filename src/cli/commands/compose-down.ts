/**
 * `netctl compose down [-v] [--remove-orphans] [--dry-run]`: every container of the project
 * (last started first), then every network netctl made for it; with `-v` its named volumes
 * and the containers' anonymous volumes too (without it they stay for the next `up`).
 * `--dry-run` prints the actions and their plan, and changes nothing.
 */
import type { CommandContext } from '../context.js';
import { composeName, writeDryRun } from '../compose-context.js';
import { composeDown as down } from '../../ops/compose.js';

export default async function composeDown(ctx: CommandContext): Promise<void> {
  const { name, project } = await composeName(ctx);
  const dryRun = ctx.opts.dryRun === true;
  const out = await down(ctx.host, name, {
    dryRun,
    volumes: ctx.opts.volumes === true,
    ...(project ? { project } : {}),
    done: (line) => ctx.stdout.write(`${line}\n`),
  });
  if (dryRun) writeDryRun(ctx, out.actions.length ? '' : 'nothing to change\n', out.actions, out.plan);
}
