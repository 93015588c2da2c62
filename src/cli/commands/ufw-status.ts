/**
 * `netctl ufw status [--json]`: whether ufw runs, its routed policy, and the netctl block
 * and its chain in each family.
 */
import type { CommandContext } from '../context.js';
import { observeUfw } from '../../firewall/ufw/observe.js';
import { buildStatus, renderStatus } from '../../firewall/ufw/status.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';

export default async function ufwStatus(ctx: CommandContext): Promise<void> {
  const status = buildStatus(await observeUfw(defaultUfwDeps()));
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  else ctx.stdout.write(renderStatus(status));
}
