/**
 * `netctl cp [-L] [--dry-run] CTR:PATH DEST` and `netctl cp SRC CTR:PATH`: files between a
 * container and the host; `-` as DEST writes a tar stream, as SRC reads one.
 */
import type { CommandContext } from '../context.js';
import { copyFiles, parseCopyEnd } from '../../ops/container-files.js';

export default async function cp(ctx: CommandContext): Promise<void> {
  const r = await copyFiles(ctx.host, parseCopyEnd(ctx.args[0] as string), parseCopyEnd(ctx.args[1] as string), {
    followLink: Boolean(ctx.opts.followLink),
    archive: Boolean(ctx.opts.archive),
    dryRun: Boolean(ctx.opts.dryRun),
    stdin: process.stdin,
    stdout: ctx.stdout as NodeJS.WriteStream,
  });
  if (ctx.opts.dryRun) ctx.stdout.write(`${r.plan}\n`);
}
