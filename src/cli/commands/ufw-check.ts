/**
 * `netctl ufw check`: the diff `netctl ufw install` would make, on stdout; exit 1 when the
 * files or the running firewall need a change, or netctl's route rules in ufw's files
 * differ from the database (`netctl ufw sync` fixes those), 0 when everything is current.
 * Remarks go to stderr so that stdout stays a patch.
 */
import type { CommandContext } from '../context.js';
import { checkBlock } from '../../firewall/ufw/apply.js';
import { renderCheck, renderDiffs } from '../../firewall/ufw/report.js';
import { defaultUfwDeps } from '../../firewall/ufw/ufw-deps.js';
import { planRoutes, routesChanged, routesDiff } from '../../firewall/ufw/routes-apply.js';
import { routeState } from '../../engine/ufw-routes.js';
import { desiredRoutes } from '../../engine/allow-routes.js';

export default async function ufwCheck(ctx: CommandContext): Promise<number> {
  const deps = defaultUfwDeps();
  const result = await checkBlock(deps);
  ctx.stdout.write(renderDiffs(result));
  ctx.stderr.write(renderCheck(result));
  const store = ctx.host.store();
  let drift = false;
  try {
    const plan = await planRoutes(deps, desiredRoutes(routeState(store)));
    drift = routesChanged(plan);
    if (drift) {
      ctx.stdout.write(routesDiff(plan));
      ctx.stderr.write("netctl's ufw route rules differ from its database: netctl ufw sync rewrites them\n");
    }
  } finally {
    store.close();
  }
  return result.changed || drift ? 1 : 0;
}
