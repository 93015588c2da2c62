/**
 * `netctl ufw install [--dry-run]`: adds the netctl block to /etc/ufw/after.rules and
 * after6.rules and loads its chain where ufw runs. With --dry-run the diff goes to stdout
 * (a clean patch) and the summary to stderr.
 */
import type { CommandContext } from '../context.js';
import { installBlock } from '../../firewall/ufw/apply.js';
import { renderApply, renderDiffs } from '../../firewall/ufw/report.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';
import { applyToNetctlRules } from '../ufw-reconcile.js';

export default async function ufwInstall(ctx: CommandContext): Promise<number> {
  const dryRun = ctx.opts.dryRun === true;
  const result = await installBlock(defaultUfwDeps(), { dryRun });
  if (dryRun) {
    ctx.stdout.write(renderDiffs(result));
    ctx.stderr.write(renderApply(result, 'install', true));
  } else {
    ctx.stdout.write(renderApply(result, 'install', false));
    await applyToNetctlRules(ctx);
  }
  return 0;
}
