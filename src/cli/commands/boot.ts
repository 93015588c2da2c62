/**
 * `netctl boot [--dry-run]`: starts, after a reboot, the containers whose restart policy is
 * always or unless-stopped and that were running (ops/boot.ts); prints each one started,
 * or with --dry-run each one's steps. The netctl-containers unit runs it at boot.
 */
import type { CommandContext } from '../context.js';
import { bootContainers } from '../../ops/boot.js';
import { startPlanText } from './start.js';

export default async function boot(ctx: CommandContext): Promise<void> {
  const dryRun = ctx.opts.dryRun === true;
  for (const r of await bootContainers(ctx.host, { dryRun })) {
    if (dryRun) ctx.stdout.write(startPlanText(r));
    else if (r.started) ctx.stdout.write(`${r.container.name}\n`);
  }
}
