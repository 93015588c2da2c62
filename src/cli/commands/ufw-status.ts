/**
 * `netctl ufw status [--json]`: whether ufw runs, its routed policy, the netctl block and
 * its chain in each family, every published port as ufw treats new connections to it from
 * outside, and netctl route rules missing from ufw's files.
 */
import type { CommandContext } from '../context.js';
import { observeUfw } from '../../firewall/ufw/observe.js';
import { buildStatus, renderStatus } from '../../firewall/ufw/status.js';
import { routeDrift } from '../../firewall/ufw/routes-apply.js';
import { routeState } from '../../engine/ufw-routes.js';
import { portAccess } from '../../engine/port-access.js';
import { desiredRoutes } from '../../engine/allow-routes.js';

export default async function ufwStatus(ctx: CommandContext): Promise<void> {
  const deps = ctx.host.ufw;
  const store = ctx.host.store();
  try {
    const state = routeState(store);
    const view = await observeUfw(deps);
    const status = buildStatus(view, portAccess(state, view));
    if (view.installed) status.routes = await routeDrift(deps, desiredRoutes(state));
    if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    else ctx.stdout.write(renderStatus(status));
  } finally {
    store.close();
  }
}
