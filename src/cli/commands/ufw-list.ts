/**
 * `netctl ufw list [NAME] [--json]`: the allow rules netctl manages and the ufw route
 * rules each one stands for now: netctl's containers', then Docker's (stored ones and those
 * of running containers' `netctl.allow` labels, their routes from Docker's answers).
 */
import type { CommandContext } from '../context.js';
import { allowRoutes } from '../../ops/read.js';
import { formatList, type ListEntry } from '../format/allow.js';
import { dockerListEntries } from '../docker-list.js';

export default async function ufwList(ctx: CommandContext): Promise<void> {
  const store = ctx.host.store();
  const name = ctx.args[0] as string | undefined;
  const docker = await dockerListEntries(ctx, name);
  if (name !== undefined && docker.length === 0) store.containers.require(name);
  const own: ListEntry[] = allowRoutes(ctx.host, name);
  const entries = [...own, ...docker];
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  else ctx.stdout.write(formatList(entries));
}
