/**
 * `netctl ufw list [NAME] [--json]`: the allow rules netctl manages and the ufw route
 * rules each one stands for now.
 */
import type { CommandContext } from '../context.js';
import { Store } from '../../store/index.js';
import { routeState } from '../../engine/ufw-routes.js';
import { routesOf } from '../../engine/allow-routes.js';
import { formatList } from '../format/allow.js';

export default async function ufwList(ctx: CommandContext): Promise<void> {
  const store = Store.open({ root: ctx.global.root });
  try {
    const name = ctx.args[0] as string | undefined;
    if (name !== undefined) store.containers.require(name);
    const state = routeState(store);
    const entries = store.allows.list(name).map((rule) => ({ rule, routes: routesOf(state, rule) }));
    if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    else ctx.stdout.write(formatList(entries));
  } finally {
    store.close();
  }
}
