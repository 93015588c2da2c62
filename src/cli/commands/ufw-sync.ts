/**
 * `netctl ufw sync [--dry-run]`: rewrites netctl's ufw route rules and its own iptables
 * rules from the database in one pass (one file write and one iptables-restore per family,
 * no ufw reload): after a reboot, a `ufw reload` of edited files, or a rule deleted by hand.
 */
import type { CommandContext } from '../context.js';
import { ufwSync as sync } from '../../ops/ufw.js';
import { syncIncoming } from '../../ops/ufw-input.js';

export default async function ufwSync(ctx: CommandContext): Promise<void> {
  const dryRun = ctx.opts.dryRun === true;
  const applied = await sync(ctx.host, { dryRun });
  // ufw's incoming rules (bans) reach published ports through the blocks' mirror chains.
  for (const l of await syncIncoming(ctx.host, { dryRun })) ctx.stdout.write(`${l}\n`);
  if (applied === '') ctx.stdout.write('in sync: nothing to change\n');
  else ctx.stdout.write(dryRun ? applied : `${applied}synced\n`);
}
