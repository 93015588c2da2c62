/**
 * `netctl docker uninstall [--dry-run]`: takes the netctl-docker block out of after.rules and
 * after6.rules (the files as they were, byte for byte) and its chains out of the running
 * firewall (DOCKER-USER loses only netctl's jump).
 */
import type { CommandContext } from '../context.js';
import { uninstallBlock } from '../../firewall/ufw/apply.js';
import { renderApply, renderDiffs } from '../../firewall/ufw/report.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';
import { DOCKER_BLOCK } from '../../docker/block-kind.js';

export default async function dockerUninstall(ctx: CommandContext): Promise<number> {
  const dryRun = ctx.opts.dryRun === true;
  const result = await uninstallBlock(defaultUfwDeps(), { dryRun, kind: DOCKER_BLOCK });
  if (dryRun) {
    ctx.stdout.write(renderDiffs(result));
    ctx.stderr.write(renderApply(result, 'uninstall', true, DOCKER_BLOCK));
  } else {
    ctx.stdout.write(renderApply(result, 'uninstall', false, DOCKER_BLOCK));
  }
  return 0;
}
