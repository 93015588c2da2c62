/**
 * `netctl volume inspect NAME...`: Docker's fields (Name, Driver, Mountpoint, Labels,
 * Options, Scope) and netctl's (Anonymous, UsedBy). Every name is tried.
 */
import type { CommandContext } from '../context.js';
import { inspectVolume, type VolumeView } from '../../ops/volume.js';
import { ErrorList } from '../../errors.js';

export default async function volumeInspect(ctx: CommandContext): Promise<void> {
  const errors = new ErrorList();
  const views: VolumeView[] = [];
  for (const name of ctx.args[0] as string[])
    await errors.attempt('inspect volume', name, async () => void views.push(await inspectVolume(ctx.host, name)));
  ctx.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
  errors.throwIfAny();
}
