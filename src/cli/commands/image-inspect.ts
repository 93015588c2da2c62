/** `netctl image inspect NAME`: an image's record, names, digests, layers and sizes, as JSON. */
import type { CommandContext } from '../context.js';
import { inspectImage } from '../../ops/image.js';

export default async function imageInspect(ctx: CommandContext): Promise<void> {
  ctx.stdout.write(`${JSON.stringify(await inspectImage(ctx.host, ctx.args[0] as string), null, 2)}\n`);
}
