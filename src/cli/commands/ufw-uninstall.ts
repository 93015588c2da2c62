/**
 * `netctl ufw uninstall [--dry-run]`: takes the netctl block out of /etc/ufw/after.rules
 * and after6.rules (giving back the files as they were) and removes its chain from the
 * running firewall. With --dry-run the diff goes to stdout and the summary to stderr.
 */
import type { CommandContext } from '../context.js';
import { uninstallBlock } from '../../firewall/ufw/apply.js';
import { renderApply, renderDiffs } from '../../firewall/ufw/report.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';
import { applyToNetctlRules } from '../ufw-reconcile.js';

export default async function ufwUninstall(ctx: CommandContext): Promise<number> {
  const dryRun = ctx.opts.dryRun === true;
  const result = await uninstallBlock(defaultUfwDeps(), { dryRun });
  if (dryRun) {
    ctx.stdout.write(renderDiffs(result));
    ctx.stderr.write(renderApply(result, 'uninstall', true));
  } else {
    ctx.stdout.write(renderApply(result, 'uninstall', false));
    await applyToNetctlRules(ctx);
  }
  return 0;
}
