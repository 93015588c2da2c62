/**
 * `netctl podman uninstall [--dir DIR] [--force] [--dry-run]`: removes netctl's netavark
 * plugin from the plugin dir; a file netctl did not write is refused unless --force.
 * Podman's networks of driver "netctl" stay in its configuration: they fail to start
 * containers until the plugin is back.
 */
import type { CommandContext } from '../context.js';
import { podmanUninstallFile, removePluginFile } from '../../ops/podman-install.js';

export default async function podmanUninstall(ctx: CommandContext): Promise<void> {
  const o = ctx.opts as { dir: string; force?: boolean; dryRun?: boolean };
  const path = await podmanUninstallFile(o.dir, Boolean(o.force));
  if (o.dryRun) ctx.stdout.write(`would remove ${path}\n`);
  else {
    await removePluginFile(path);
    ctx.stdout.write(`${path}: removed\n`);
  }
}
