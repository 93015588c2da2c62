/**
 * `netctl docker install [--dry-run]`: adds the netctl-docker block to /etc/ufw/after.rules
 * and after6.rules (validated the way ufw loads them, backed up, idempotent) and loads it
 * where ufw runs, so Docker's published ports obey ufw's route rules and routed policy.
 */
import type { CommandContext } from '../context.js';
import { installBlock } from '../../firewall/ufw/apply.js';
import { renderApply, renderDiffs } from '../../firewall/ufw/report.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';
import { DOCKER_BLOCK } from '../../docker/block-kind.js';

export default async function dockerInstall(ctx: CommandContext): Promise<number> {
  const dryRun = ctx.opts.dryRun === true;
  const result = await installBlock(defaultUfwDeps(), { dryRun, kind: DOCKER_BLOCK });
  if (dryRun) {
    ctx.stdout.write(renderDiffs(result));
    ctx.stderr.write(renderApply(result, 'install', true, DOCKER_BLOCK));
  } else {
    ctx.stdout.write(renderApply(result, 'install', false, DOCKER_BLOCK));
  }
  return 0;
}
