/**
 * `netctl commit [-m MSG] [-a AUTHOR] [-c INSTRUCTION]... [-p[=false]] CONTAINER [NAME[:TAG]]`:
 * the container's changes as a new image; prints its id (`sha256:...`), as Docker does.
 */
import type { CommandContext } from '../context.js';
import { formatPlan } from '../format/plan.js';
import { type CommitOptions, commitContainer, planCommit } from '../../ops/commit.js';
import { commitChanges } from '../../ops/commit-changes.js';
import { UsageError } from '../../errors.js';

function pauseOf(v: unknown): boolean {
  if (v === undefined || v === true || v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`invalid --pause "${String(v)}": expected true or false`);
}

export default async function commit(ctx: CommandContext): Promise<void> {
  const o = ctx.opts;
  const changes = (o.change as string[] | undefined) ?? [];
  const opts: CommitOptions = { pause: pauseOf(o.pause) };
  if (changes.length) opts.change = commitChanges(changes);
  if (ctx.args[1]) opts.ref = ctx.args[1] as string;
  if (o.message !== undefined) opts.message = o.message as string;
  if (o.author !== undefined) opts.author = o.author as string;
  if (o.dryRun === true) {
    const plan = await planCommit(ctx.host, ctx.args[0] as string, opts);
    return void ctx.stdout.write(o.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  }
  const r = await commitContainer(ctx.host, ctx.args[0] as string, opts);
  ctx.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : `sha256:${r.id}\n`);
}
