/**
 * `netctl docker sync [--dry-run]`: one reconciliation of Docker's ufw route rules with the
 * running containers, what `netctl docker watch` does when it starts. With --dry-run the
 * plan (ufw's user rules' diffs, the FORWARD jump's restore document) and nothing changed.
 * With --if-down (netctl-docker.service, before dockerd starts at boot) Docker is not asked:
 * while no dockerd runs every Docker rule goes (ops/docker-down.ts), else nothing is done.
 */
import type { CommandContext } from '../context.js';
import { forwardJumpMessage } from '../../docker/forward-jump.js';
import { dockerClient, dockerSync as sync, isEmptyPlan } from '../../ops/docker.js';
import { formatPlan } from '../format/plan.js';
import { syncIncoming } from '../../ops/ufw-input.js';
import { dockerSyncIfDown } from '../../ops/docker-down.js';

async function ifDown(ctx: CommandContext): Promise<void> {
  const dryRun = ctx.opts.dryRun === true;
  const out = await dockerSyncIfDown(ctx.host, ctx.opts.pidfile as string | undefined, { dryRun });
  if (out.running !== undefined) {
    ctx.stdout.write(`dockerd runs (pid ${out.running}): nothing to do\n`);
    return;
  }
  const { plan, applied, result } = out.sync;
  if (!applied) ctx.stdout.write(isEmptyPlan(plan) ? 'no Docker rule: nothing to change\n' : formatPlan(plan));
  else
    ctx.stdout.write(
      result.changed ? "dockerd is down: removed Docker's rules\n" : 'no Docker rule: nothing to change\n',
    );
}

export default async function dockerSync(ctx: CommandContext): Promise<void> {
  if (ctx.opts.ifDown === true) return ifDown(ctx);
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
