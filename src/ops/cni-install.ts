/**
 * `netctl cni install` as a use case: the files it puts in place (the plugin executable in
 * the CNI bin dir, through the daemon's shim when one is built and wanted; with a conf dir,
 * a configuration list naming a netctl network), each written atomically, unchanged ones
 * left alone, a different one refused unless `force`. The texts are cni/install-plan.ts's.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cniSocketPath,
  conflistFile,
  conflistText,
  PLUGIN_TYPE,
  type ShimSpec,
  wrapperText,
} from '../cni/install-plan.js';
import { ConflictError } from '../errors.js';
import { installPath } from '../sys/install-root.js';
import type { Host } from './host.js';

/** What `cni install` is asked for (names and CIDRs already checked). */
export interface CniInstallRequest {
  binDir: string;
  confDir?: string;
  name: string;
  network?: string;
  subnet?: string;
  clusterCidrs?: string[];
  /** The daemon's socket (default: the run root's). */
  socket?: string;
  /** false: the plugin runs node itself, never the daemon. */
  daemon: boolean;
}

/** One file it writes. */
export interface InstallFile {
  path: string;
  text: string;
  mode: number;
}

/** The files, in the order they are written. */
export function cniInstallFiles(host: Host, req: CniInstallRequest): InstallFile[] {
  const shim = installPath('native', 'build', 'netctl-cni-shim');
  const via: ShimSpec | undefined =
    req.daemon && existsSync(shim) ? { shim, socket: req.socket ?? cniSocketPath(host.paths.runRoot) } : undefined;
  const entry = installPath('dist', 'bin', 'netctl-cni.cjs');
  const files: InstallFile[] = [
    { path: join(req.binDir, PLUGIN_TYPE), text: wrapperText(process.execPath, entry, via), mode: 0o755 },
  ];
  if (req.confDir) {
    const { root, runRoot } = host.paths;
    const spec = {
      name: req.name,
      ...(req.network ? { network: req.network } : {}),
      ...(req.subnet ? { subnet: req.subnet } : {}),
      ...(req.clusterCidrs ? { clusterCidrs: req.clusterCidrs } : {}),
      // Only state directories other than the defaults are named: the plugin falls back to those.
      ...(root !== '/var/lib/netctl' ? { root } : {}),
      ...(runRoot !== '/run/netctl' ? { runRoot } : {}),
    };
    files.push({ path: join(req.confDir, conflistFile(req.name)), text: conflistText(spec), mode: 0o644 });
  }
  return files;
}

/** Writes one file (by a temporary name, then renamed); whether it was `written` or `unchanged`. */
export async function putInstallFile(f: InstallFile, force: boolean): Promise<'written' | 'unchanged'> {
  const before = await readFile(f.path, 'utf8').catch(() => undefined);
  if (before === f.text) return 'unchanged';
  if (before !== undefined && !force)
    throw new ConflictError(`"${f.path}" exists with other content`, 'use --force to replace it');
  await mkdir(join(f.path, '..'), { recursive: true });
  const tmp = `${f.path}.netctl-tmp`;
  await writeFile(tmp, f.text, { mode: f.mode });
  await chmod(tmp, f.mode);
  await rename(tmp, f.path);
  return 'written';
}
