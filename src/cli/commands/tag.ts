/** `netctl tag SOURCE TARGET`: points the name TARGET at the image SOURCE names. */
import type { CommandContext } from '../context.js';
import { tagImage } from '../../ops/image.js';

export default async function tag(ctx: CommandContext): Promise<void> {
  const name = await tagImage(ctx.host, ctx.args[0] as string, ctx.args[1] as string);
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify({ tagged: name }, null, 2)}\n`);
}
