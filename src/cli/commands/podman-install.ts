/**
 * `netctl podman install [--dir DIR] [--socket PATH | --no-daemon] [--force] [--dry-run]`: puts
 * netctl's netavark plugin (driver "netctl") into a Podman 5 plugin dir (default
 * /usr/local/libexec/netavark, the first of Podman's `netavark_plugin_dirs`), so that `podman
 * network create -d netctl NAME` makes a netctl network. Its calls go to `netctl cni serve`
 * on the socket when one listens (through the CNI shim), else node runs them. A different file already there is refused unless --force; --dry-run prints
 * what would be written.
 */
import type { CommandContext } from '../context.js';
import { podmanInstallFile, putInstallFile } from '../../ops/podman-install.js';

export default async function podmanInstall(ctx: CommandContext): Promise<void> {
  const o = ctx.opts as { dir: string; socket?: string; daemon?: boolean; force?: boolean; dryRun?: boolean };
  const f = podmanInstallFile(ctx.host, o.dir, {
    daemon: o.daemon !== false,
    ...(o.socket ? { socket: o.socket } : {}),
  });
  if (o.dryRun) ctx.stdout.write(`# ${f.path}\n${f.text}`);
  else ctx.stdout.write(`${f.path}: ${await putInstallFile(f, Boolean(o.force))}\n`);
}
