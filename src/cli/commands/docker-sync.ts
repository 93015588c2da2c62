/**
 * `netctl docker sync [--dry-run]`: one reconciliation of Docker's ufw route rules with the
 * running containers, what `netctl docker watch` does when it starts. With --dry-run the
 * plan (ufw's user rules' diffs, the FORWARD jump's restore document) and nothing changed.
 */
import type { CommandContext } from '../context.js';
import { forwardJumpMessage } from '../../docker/forward-jump.js';
import { dockerClient, dockerSync as sync, isEmptyPlan } from '../../ops/docker.js';
import { formatPlan } from '../format/plan.js';
import { syncIncoming } from '../../ops/ufw-input.js';

export default async function dockerSync(ctx: CommandContext): Promise<void> {
  const api = dockerClient(ctx.opts.dockerHost as string | undefined);
  const out = await sync(ctx.host, api, { dryRun: ctx.opts.dryRun === true });
  const { moved, errors, changed, rules } = out.result;
  for (const e of errors) ctx.stderr.write(`${e}\n`);
  for (const l of await syncIncoming(ctx.host, { dryRun: ctx.opts.dryRun === true })) ctx.stdout.write(`${l}\n`);
  if (!out.applied) {
    ctx.stdout.write(isEmptyPlan(out.plan) ? 'in sync: nothing to change\n' : formatPlan(out.plan));
    return;
  }
  if (moved.length > 0) ctx.stdout.write(`${forwardJumpMessage(moved)}\n`);
  if (!changed)
    ctx.stdout.write(
      moved.length > 0 ? 'route rules in sync: nothing else to change\n' : 'in sync: nothing to change\n',
    );
  else ctx.stdout.write(`synced: ${rules} Docker rule(s)\n`);
}
