/**
 * `netctl start [-a [-i]] [--detach-keys K] NAME...`: starts stopped containers again
 * (their network is rebuilt first if it is gone); every name is tried, failures are
 * reported together. With -a (one container), attached to its output (-i: and input)
 * until it exits, with its exit code.
 */
import type { CommandContext } from '../context.js';
import type { Previewed, StartResult } from '../../ops/container.js';
import { startContainer } from '../../ops/container.js';
import { startAttached } from '../../ops/attach.js';
import { ErrorList, UsageError } from '../../errors.js';
import { attachIo } from './attach.js';

/** A start as `start --dry-run` prints it: the container's name, then each step. */
export function startPlanText(r: StartResult): string {
  return `${r.container.name}: ${r.plan.length ? r.plan.join('\n  ') : 'already running'}\n`;
}

/** Starts each container with `start` (start, or restart), printing its name. */
export async function startEach(
  ctx: CommandContext,
  verb: string,
  start: (ref: string, dryRun: boolean) => Promise<Previewed<StartResult>>,
): Promise<void> {
  const errors = new ErrorList();
  const dryRun = ctx.opts.dryRun === true;
  for (const ref of ctx.args[0] as string[]) {
    await errors.attempt(verb, ref, async () => {
      const r = (await start(ref, dryRun)).result;
      ctx.stdout.write(dryRun ? startPlanText(r) : `${r.container.name}\n`);
    });
  }
  errors.throwIfAny();
}

export default async function start(ctx: CommandContext): Promise<number | void> {
  const o = ctx.opts;
  const refs = ctx.args[0] as string[];
  if ((o.attach || o.interactive) && !o.dryRun) {
    if (refs.length !== 1) throw new UsageError('start -a/-i: one container at a time');
    const r = await startAttached(ctx.host, refs[0]!, attachIo(ctx, Boolean(o.interactive)));
    if (r.end === 'detached') ctx.stderr.write('\nread escape sequence\n');
    return r.exitCode;
  }
  await startEach(ctx, 'start container', (ref, dryRun) => startContainer(ctx.host, ref, { dryRun }));
}
