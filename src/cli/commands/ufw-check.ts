/**
 * `netctl ufw check`: the diff `netctl ufw install` would make, on stdout; exit 1 when the
 * files or the running firewall need a change, 0 when everything is current. Remarks go to
 * stderr so that stdout stays a patch.
 */
import type { CommandContext } from '../context.js';
import { checkBlock } from '../../firewall/ufw/apply.js';
import { renderCheck, renderDiffs } from '../../firewall/ufw/report.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';

export default async function ufwCheck(ctx: CommandContext): Promise<number> {
  const result = await checkBlock(defaultUfwDeps());
  ctx.stdout.write(renderDiffs(result));
  ctx.stderr.write(renderCheck(result));
  return result.changed ? 1 : 0;
}
