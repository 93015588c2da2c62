/**
 * `netctl docker sync [--dry-run]`: one reconciliation of Docker's ufw route rules with the
 * running containers, what `netctl docker watch` does when it starts.
 */
import type { CommandContext } from '../context.js';
import { dockerApi, dockerSocket } from '../../docker/client.js';
import { runningContainers } from '../../docker/containers.js';
import { applyDockerSync, planDockerSync } from '../../docker/sync.js';
import { refuseBadLabels } from '../../docker/routes.js';
import { forwardJumpMessage, keepForwardJump } from '../../docker/forward-jump.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';

export default async function dockerSync(ctx: CommandContext): Promise<void> {
  const api = dockerApi(dockerSocket(ctx.opts.dockerHost as string | undefined));
  const ufw = defaultUfwDeps();
  const store = ctx.host.store();
  try {
    const containers = await runningContainers(api);
    // A label the policy refuses refuses the sync, naming it: nothing is changed.
    refuseBadLabels(containers);
    await store.locked(async () => {
      const dryRun = ctx.opts.dryRun === true;
      const moved = await keepForwardJump(ufw, dryRun);
      if (moved.length > 0) ctx.stdout.write(`${forwardJumpMessage(moved, dryRun)}\n`);
      const p = await planDockerSync(store, ufw, containers);
      if (!p.changed)
        return void ctx.stdout.write(
          moved.length > 0 ? 'route rules in sync: nothing else to change\n' : 'in sync: nothing to change\n',
        );
      if (dryRun) return void ctx.stdout.write(p.diff);
      await applyDockerSync(ufw, p);
      ctx.stdout.write(`synced: ${p.desired.length} Docker rule(s)\n`);
    });
  } finally {
    store.close();
  }
}
