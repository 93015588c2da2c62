/**
 * `netctl boot [--dry-run]`: starts, after a reboot, the containers whose restart policy is
 * always or unless-stopped and that were running (ops/boot.ts); prints each one started,
 * or with --dry-run each one's steps. The netctl-containers unit runs it at boot.
 * `netctl boot --shutdown`: stops every running container for a shutdown, keeping its record
 * (the unit's ExecStop); prints each one stopped. With --down (the package's prerm at `apt
 * remove`) it then takes every network's bridge and netctl's rules down, keeping the records.
 */
import type { CommandContext } from '../context.js';
import { bootContainers, shutdownContainers, takeDown } from '../../ops/boot.js';
import { UsageError } from '../../errors.js';
import { startPlanText } from './start.js';

export default async function boot(ctx: CommandContext): Promise<void> {
  const dryRun = ctx.opts.dryRun === true;
  if (ctx.opts.shutdown === true) {
    if (dryRun) throw new UsageError('--shutdown: has no --dry-run (it only sends signals)');
    for (const c of await shutdownContainers(ctx.host)) ctx.stdout.write(`${c.name}\n`);
    if (ctx.opts.down === true) ctx.stdout.write(await takeDown(ctx.host));
    return;
  }
  if (ctx.opts.down === true) throw new UsageError('--down: only with --shutdown (the containers stop first)');
  for (const r of await bootContainers(ctx.host, { dryRun })) {
    if (dryRun) ctx.stdout.write(startPlanText(r));
    else if (r.started) ctx.stdout.write(`${r.container.name}\n`);
  }
}
