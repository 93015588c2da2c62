/**
 * After the ufw block was installed or removed: netctl's own port rules switch to (or away
 * from) the block's chain, and a chain no longer installed and no longer referenced goes.
 */
import type { CommandContext } from './context.js';
import { ufwBlockInstalled } from '../engine/open.js';
import { reconcileFirewall } from '../engine/reconcile.js';
import { ufwForwardChain } from '../firewall/ufw/names.js';
import { run } from '../sys/exec.js';

/** Re-applies netctl's rules; deletes the block's chain where it is no longer installed. */
export async function applyToNetctlRules(ctx: CommandContext): Promise<void> {
  const engine = await ctx.host.engine();
  try {
    await reconcileFirewall(engine);
  } finally {
    engine.close();
  }
  for (const family of [4, 6] as const) {
    if (ufwBlockInstalled(ctx.host.ufw.etc, family)) continue;
    const chain = ufwForwardChain(family);
    // Absent already is fine: this only cleans up what uninstall could merely empty.
    await run([family === 4 ? 'iptables-restore' : 'ip6tables-restore', '-w', '10', '--noflush'], {
      input: `*filter\n:${chain} - [0:0]\n-X ${chain}\nCOMMIT\n`,
    });
  }
}
