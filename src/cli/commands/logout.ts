/** `netctl logout [SERVER]`: removes the stored credentials of a registry. */
import type { CommandContext } from '../context.js';
import { logout } from '../../ops/login.js';
import { registryOpts } from './pull.js';

export default async function logoutCmd(ctx: CommandContext): Promise<void> {
  const r = await logout(ctx.args[0] as string | undefined, registryOpts(ctx, undefined));
  ctx.stdout.write(r.removed ? `Removing login credentials for ${r.registry}\n` : `Not logged in to ${r.registry}\n`);
}
