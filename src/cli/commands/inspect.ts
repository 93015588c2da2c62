/**
 * `netctl inspect NAME`: a container as Docker-like JSON: state from its monitor, config,
 * network settings with addresses, and published ports.
 */
import type { CommandContext } from '../context.js';
import { inspectContainer } from '../../ops/read.js';

export default async function inspect(ctx: CommandContext): Promise<void> {
  const view = await inspectContainer(ctx.host, ctx.args[0] as string);
  ctx.stdout.write(`${JSON.stringify([view], null, 2)}\n`);
}
