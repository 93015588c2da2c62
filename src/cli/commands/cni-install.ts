/**
 * `netctl cni install [--bin-dir DIR] [--conf-dir DIR] [--name N] [--network NET] [--subnet CIDR]
 * [--cluster-cidr CIDRS] [--socket PATH | --no-daemon]`:
 * puts the plugin executable into the CNI bin dir (the shim, forwarding to `netctl cni serve`
 * on the socket and falling back to node when none listens; with --no-daemon or no built
 * shim, node directly) and, with --conf-dir, a configuration
 * list naming a netctl network. A different file already at either path is refused
 * unless --force; --dry-run prints what would be written.
 */
import type { CommandContext } from '../context.js';
import { checkName } from '../../model/names.js';
import { parseClusterCidrs } from '../../model/network-nat.js';
import { cniInstallFiles, putInstallFile } from '../../ops/cni-install.js';

export default async function cniInstall(ctx: CommandContext): Promise<void> {
  const o = ctx.opts as {
    binDir: string;
    confDir?: string;
    name: string;
    network?: string;
    subnet?: string;
    clusterCidr?: string;
    socket?: string;
    daemon?: boolean;
    force?: boolean;
    dryRun?: boolean;
  };
  const name = checkName('network', o.name);
  const clusterCidrs = o.clusterCidr === undefined ? undefined : parseClusterCidrs(o.clusterCidr);
  const files = cniInstallFiles(ctx.host, {
    binDir: o.binDir,
    ...(o.confDir ? { confDir: o.confDir } : {}),
    name,
    ...(o.confDir && o.network ? { network: checkName('network', o.network) } : {}),
    ...(o.subnet ? { subnet: o.subnet } : {}),
    ...(clusterCidrs ? { clusterCidrs } : {}),
    ...(o.socket ? { socket: o.socket } : {}),
    daemon: o.daemon !== false,
  });
  for (const f of files) {
    if (o.dryRun) ctx.stdout.write(`# ${f.path}\n${f.text}`);
    else ctx.stdout.write(`${f.path}: ${await putInstallFile(f, Boolean(o.force))}\n`);
  }
}
