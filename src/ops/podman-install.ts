/**
 * `netctl podman install` / `uninstall` as use cases, and what `doctor` checks of them: the
 * wrapper in a netavark plugin dir (podman/install-plan.ts's text, written atomically, an
 * unchanged one left alone, a foreign file refused unless `force`), its removal (only a file
 * netctl wrote), and whether Podman can find a plugin that reaches this netctl.
 */
import { existsSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Finding } from '../engine/doctor.js';
import { cniSocketPath } from '../cni/install-plan.js';
import { cniRecords } from '../model/cni-record.js';
import { DEFAULT_PLUGIN_DIRS, PLUGIN_FILE, pluginDirsOf, readWrapper, wrapperText } from '../podman/install-plan.js';
import { PODMAN_LABEL } from '../podman/request.js';
import { installPath } from '../sys/install-root.js';
import type { InstallFile } from './cni-install.js';
import type { Host } from './host.js';

export { putInstallFile } from './cni-install.js';
export { DEFAULT_PLUGIN_DIRS } from '../podman/install-plan.js';

/** How the plugin reaches `netctl cni serve`: `daemon` false, never (node per call); `socket` default RUN_ROOT/cni.sock. */
export interface PodmanInstallOptions {
  daemon: boolean;
  socket?: string;
}

/**
 * The file `podman install` writes into plugin dir `dir`: through the CNI shim to the daemon
 * when the shim is built and `daemon` is wanted, node per call otherwise.
 */
export function podmanInstallFile(host: Host, dir: string, o: PodmanInstallOptions = { daemon: true }): InstallFile {
  const entry = installPath('dist', 'bin', 'netctl-podman.js');
  const shim = installPath('native', 'build', 'netctl-cni-shim');
  const { root, runRoot } = host.paths;
  const via = o.daemon && existsSync(shim) ? { shim, socket: o.socket ?? cniSocketPath(runRoot) } : undefined;
  return {
    path: join(dir, PLUGIN_FILE),
    text: wrapperText({ node: process.execPath, entry, root, runRoot, ...(via ? { via } : {}) }),
    mode: 0o755,
  };
}

/** The plugin file `uninstall` removes from `dir`: refused when absent or not netctl's (unless `force`). */
export async function podmanUninstallFile(dir: string, force: boolean): Promise<string> {
  const path = join(dir, PLUGIN_FILE);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) throw new NotFoundError('plugin', path, 'nothing to uninstall');
  if (!readWrapper(text) && !force)
    throw new ConflictError(`"${path}" was not written by netctl podman install`, 'use --force to remove it anyway');
  return path;
}

/** Removes the file {@link podmanUninstallFile} named. */
export async function removePluginFile(path: string): Promise<void> {
  await unlink(path);
}

/** The plugin dirs Podman reads: CONTAINERS_CONF, else /etc's, else /usr/share's setting, else the defaults. */
export async function podmanPluginDirs(env: Record<string, string | undefined> = process.env): Promise<string[]> {
  const files = [env.CONTAINERS_CONF, '/etc/containers/containers.conf', '/usr/share/containers/containers.conf'];
  for (const f of files) {
    if (!f) continue;
    const dirs = pluginDirsOf(await readFile(f, 'utf8').catch(() => ''));
    if (dirs) return dirs;
  }
  return [...DEFAULT_PLUGIN_DIRS];
}

/** `doctor`: an installed plugin that cannot reach this netctl, or Podman networks with no plugin to serve them. */
export async function diagnosePodman(host: Host, dirs?: readonly string[]): Promise<Finding[]> {
  const out: Finding[] = [];
  const found: string[] = [];
  for (const dir of dirs ?? (await podmanPluginDirs())) {
    const path = join(dir, PLUGIN_FILE);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    const w = text === undefined ? undefined : readWrapper(text);
    if (!w) continue;
    found.push(path);
    const fix = `netctl podman install --dir ${dir} --force`;
    if (!existsSync(w.entry) || !existsSync(w.node) || (w.via && !existsSync(w.via.shim)))
      out.push({
        area: 'podman',
        problem: `Podman plugin ${path} runs ${w.via ? `${w.via.shim} or ` : ''}${w.node} ${w.entry}, which is missing`,
        fix,
      });
    else if (w.root !== host.paths.root || w.runRoot !== host.paths.runRoot)
      out.push({
        area: 'podman',
        problem: `Podman plugin ${path} uses state ${w.root} (${w.runRoot}), this netctl ${host.paths.root} (${host.paths.runRoot})`,
        fix,
      });
  }
  if (found.length > 0) return out;
  const engine = await host.engine();
  const nets = engine.store.networks.list().filter((n) => n.labels[PODMAN_LABEL] !== undefined);
  const ctrs = cniRecords(engine.store.containers.list({ all: true })).filter((c) => c.config.runtime === 'podman');
  if (nets.length > 0 || ctrs.length > 0)
    out.push({
      area: 'podman',
      problem: `Podman uses netctl (networks: ${nets.map((n) => n.name).join(', ') || '-'}; containers: ${ctrs.map((c) => c.name).join(', ') || '-'}) but no netctl plugin is in its netavark_plugin_dirs`,
      fix: 'netctl podman install',
    });
  return out;
}
