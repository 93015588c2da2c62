/**
 * `netctl podman install [--dir DIR] [--force] [--dry-run]`: puts netctl's netavark plugin
 * (driver "netctl") into a Podman 5 plugin dir (default /usr/local/libexec/netavark, the first
 * of Podman's `netavark_plugin_dirs`), so that `podman network create -d netctl NAME` makes a
 * netctl network. A different file already there is refused unless --force; --dry-run prints
 * what would be written.
 */
import type { CommandContext } from '../context.js';
import { podmanInstallFile, putInstallFile } from '../../ops/podman-install.js';

export default async function podmanInstall(ctx: CommandContext): Promise<void> {
  const o = ctx.opts as { dir: string; force?: boolean; dryRun?: boolean };
  const f = podmanInstallFile(ctx.host, o.dir);
  if (o.dryRun) ctx.stdout.write(`# ${f.path}\n${f.text}`);
  else ctx.stdout.write(`${f.path}: ${await putInstallFile(f, Boolean(o.force))}\n`);
}
