/**
 * `netctl ufw check`: the diff `netctl ufw install` would make, on stdout; exit 1 when the
 * files or the running firewall need a change, or netctl's route rules in ufw's files
 * differ from the database (`netctl ufw sync` fixes those), 0 when everything is current.
 * Remarks go to stderr so that stdout stays a patch.
 */
import type { CommandContext } from '../context.js';
import { renderCheck, renderDiffs, ufwCheck as check } from '../../ops/ufw.js';

export default async function ufwCheck(ctx: CommandContext): Promise<number> {
  const r = await check(ctx.host);
  ctx.stdout.write(renderDiffs(r.block));
  ctx.stderr.write(renderCheck(r.block));
  if (r.drift) {
    ctx.stdout.write(r.routes);
    ctx.stderr.write("netctl's ufw route rules differ from its database: netctl ufw sync rewrites them\n");
  }
  return r.block.changed || r.drift ? 1 : 0;
}
