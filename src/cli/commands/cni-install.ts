/**
 * `netctl cni install [--bin-dir DIR] [--conf-dir DIR] [--name N] [--network NET] [--subnet CIDR]
 * [--cluster-cidr CIDRS] [--socket PATH | --no-daemon]`:
 * puts the plugin executable into the CNI bin dir (the shim, forwarding to `netctl cni serve`
 * on the socket and falling back to node when none listens; with --no-daemon or no built
 * shim, node directly) and, with --conf-dir, a configuration
 * list naming a netctl network. A different file already at either path is refused
 * unless --force; --dry-run prints what would be written.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandContext } from '../context.js';
import { installPath } from '../../sys/install-root.js';
import {
  cniSocketPath,
  conflistFile,
  conflistText,
  PLUGIN_TYPE,
  wrapperText,
  type ShimSpec,
} from '../../cni/install-plan.js';
import { checkName } from '../../model/names.js';
import { parseClusterCidrs } from '../../model/network-nat.js';
import { ConflictError } from '../../errors.js';

async function put(path: string, text: string, mode: number, force: boolean): Promise<string> {
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before === text) return `${path}: unchanged\n`;
  if (before !== undefined && !force)
    throw new ConflictError(`"${path}" exists with other content`, 'use --force to replace it');
  await mkdir(join(path, '..'), { recursive: true });
  const tmp = `${path}.netctl-tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
  return `${path}: written\n`;
}

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
  const shim = installPath('native', 'build', 'netctl-cni-shim');
  const via: ShimSpec | undefined =
    o.daemon !== false && existsSync(shim)
      ? { shim, socket: o.socket ?? cniSocketPath(ctx.global.runRoot) }
      : undefined;
  const files: [string, string, number][] = [
    [
      join(o.binDir, PLUGIN_TYPE),
      wrapperText(process.execPath, installPath('dist', 'bin', 'netctl-cni.cjs'), via),
      0o755,
    ],
  ];
  if (o.confDir) {
    const g = ctx.global;
    const spec = {
      name,
      ...(o.network ? { network: checkName('network', o.network) } : {}),
      ...(o.subnet ? { subnet: o.subnet } : {}),
      ...(clusterCidrs ? { clusterCidrs } : {}),
      ...(g.root !== '/var/lib/netctl' ? { root: g.root } : {}),
      ...(g.runRoot !== '/run/netctl' ? { runRoot: g.runRoot } : {}),
    };
    files.push([join(o.confDir, conflistFile(name)), conflistText(spec), 0o644]);
  }
  for (const [path, text, mode] of files) {
    if (o.dryRun) ctx.stdout.write(`# ${path}\n${text}`);
    else ctx.stdout.write(await put(path, text, mode, Boolean(o.force)));
  }
}
