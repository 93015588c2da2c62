/**
 * `netctl ufw status [--json]`: whether ufw runs, its routed policy, the netctl block and
 * its chain in each family, every published port as ufw treats new connections to it from
 * outside, and netctl route rules missing from ufw's files.
 */
import type { CommandContext } from '../context.js';
import { renderStatus, ufwStatus } from '../../ops/read.js';

export default async function ufwStatusCommand(ctx: CommandContext): Promise<void> {
  const status = await ufwStatus(ctx.host);
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  else ctx.stdout.write(renderStatus(status));
}
