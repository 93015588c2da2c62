/**
 * Runs a control verb (kill, pause, unpause) on each container named: every one is tried,
 * failures are reported together; prints each name, or with `--dry-run` its plan.
 */
import type { CommandContext } from './context.js';
import type { ControlResult } from '../ops/container-control.js';
import { ErrorList } from '../errors.js';

/** Applies `fn` to each name of `ctx.args[0]` (or `refs`), as `verb`. */
export async function eachContainer(
  ctx: CommandContext,
  verb: string,
  fn: (ref: string, dryRun: boolean) => Promise<ControlResult>,
  refs: readonly string[] = ctx.args[0] as string[],
): Promise<void> {
  const errors = new ErrorList();
  const dryRun = ctx.opts.dryRun === true;
  for (const ref of refs)
    await errors.attempt(verb, ref, async () => {
      const r = await fn(ref, dryRun);
      ctx.stdout.write(dryRun ? `${r.container.name}: ${r.plan.join('\n  ')}\n` : `${ref}\n`);
    });
  errors.throwIfAny();
}
