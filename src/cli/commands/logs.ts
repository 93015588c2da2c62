/**
 * `netctl logs [-f] [--tail N] NAME`.
 */
import type { CommandContext } from '../context.js';
import { containerPaths } from '../../runtime/paths.js';
import { entryText, followLogs, readLogs } from '../../runtime/logs.js';

export default async function logs(ctx: CommandContext): Promise<void> {
  const store = ctx.host.store();
  let id: string;
  try {
    id = store.containers.require(ctx.args[0] as string).id;
  } finally {
    store.close();
  }
  const path = containerPaths({ root: ctx.global.root, runRoot: ctx.global.runRoot }, id).log;
  const tail = ctx.opts.tail as number | undefined;
  const write = (e: { s: string; l: string; p?: boolean; t: string }): void =>
    void (e.s === 'stderr' ? ctx.stderr : ctx.stdout).write(entryText(e as never));
  if (ctx.opts.follow) await followLogs(path, tail === undefined ? {} : { tail }, write);
  else for (const e of await readLogs(path, tail === undefined ? {} : { tail })) write(e);
}
