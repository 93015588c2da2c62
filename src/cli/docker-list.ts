/**
 * The Docker part of `netctl ufw list`, as the CLI shows it (ops/docker-list.ts finds it):
 * Docker not answering leaves the stored rules without routes, with a note on stderr.
 */
import type { CommandContext } from './context.js';
import type { ListEntry } from './format/allow.js';
import { dockerClient } from '../ops/docker.js';
import { dockerListEntries as entriesOf } from '../ops/docker-list.js';

/** The Docker entries, of one name or all. */
export async function dockerListEntries(ctx: CommandContext, name?: string): Promise<ListEntry[]> {
  const r = await entriesOf(ctx.host, () => dockerClient(ctx.opts.dockerHost as string | undefined, 3000), name);
  if (r.error !== undefined) ctx.stderr.write(`note: ${r.error}: Docker rules shown without their addresses\n`);
  return r.entries;
}
