/**
 * `netctl tui`: the live view. Needs a terminal; the screen is Ink's, the data the live
 * source's, the actions netctl's own allow and deny.
 */
import { createElement } from 'react';
import type { CommandContext } from '../context.js';
import { UsageError } from '../../errors.js';

export default async function tui(ctx: CommandContext): Promise<void> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UsageError(
      'netctl tui needs a terminal (stdin and stdout must be a TTY); in scripts use netctl ps, rules or ufw status',
    );
  }
  // Node's colour depth honours NO_COLOR, NODE_DISABLE_COLORS, FORCE_COLOR and TERM=dumb;
  // Ink's chalk knows only the last two, so a colourless terminal is forced on it too. Ink
  // renders only the last frame when it thinks it runs in CI (CI=true inherited from a
  // pipeline, say); here a terminal is known to be there, and it must be drawn live. The
  // variables are read when Ink is first imported, just below.
  const color = process.stdout.getColorDepth() > 1;
  if (!color) process.env.FORCE_COLOR = '0';
  for (const v of ['CI', 'CONTINUOUS_INTEGRATION']) delete process.env[v];
  const [{ render }, { Live }, { LiveSource }, { cliActions }] = await Promise.all([
    import('ink'),
    import('../../tui/live.js'),
    import('../../tui/source.js'),
    import('../../tui/actions.js'),
  ]);
  const source = new LiveSource(ctx.global, ctx.host.ufw);
  try {
    const app = render(createElement(Live, { source, actions: cliActions(ctx.global), color }), { exitOnCtrlC: true });
    await app.waitUntilExit();
  } finally {
    source.close();
  }
}
