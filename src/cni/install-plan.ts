/**
 * What `netctl cni install` writes, as text: the plugin executable for the CNI bin dir (a
 * short sh script exec'ing the C shim with the daemon's socket, which forwards the call to
 * `netctl cni serve` or, with no daemon, execs node, by absolute path, on the bundled
 * plugin, so a runtime whose PATH has no node still finds it, and without
 * NODE_EXTRA_CA_CERTS, which Node 20 would parse first; without a built shim, node directly) and, for a conf dir, a network configuration list naming a netctl
 * network with the `portMappings` capability. Pure.
 */

/** The plugin's type, and its file name in the bin dir. */
export const PLUGIN_TYPE = 'netctl';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The daemon's socket under a run root (`netctl cni serve`'s default). */
export function cniSocketPath(runRoot: string): string {
  return `${runRoot.replace(/\/+$/, '')}/cni.sock`;
}

/** How the wrapper reaches the daemon: the shim binary and the socket. */
export interface ShimSpec {
  shim: string;
  socket: string;
}

/** The executable installed as `<bin-dir>/netctl`: through the shim when given, else node on the plugin. */
export function wrapperText(node: string, entry: string, via?: ShimSpec): string {
  const head = `#!/bin/sh\n# netctl's CNI plugin (written by "netctl cni install")\n`;
  if (!via) return `${head}unset NODE_EXTRA_CA_CERTS\nexec ${quote(node)} ${quote(entry)} "$@"\n`;
  return `${head}# Forwarded to "netctl cni serve" on the socket; run by node itself when no daemon listens.\nunset NODE_EXTRA_CA_CERTS\nexec ${quote(via.shim)} ${quote(via.socket)} ${quote(node)} ${quote(entry)} "$@"\n`;
}

/** What the configuration list names. */
export interface ConflistSpec {
  name: string;
  network?: string;
  subnet?: string;
  /** `clusterCIDR`: the cluster's pod ranges, canonical. */
  clusterCidrs?: string[];
  root?: string;
  runRoot?: string;
  cniVersion?: string;
}

/** The configuration list for the conf dir (JSON, two-space indented). */
export function conflistText(spec: ConflistSpec): string {
  const plugin: Record<string, unknown> = { type: PLUGIN_TYPE };
  if (spec.network && spec.network !== spec.name) plugin.network = spec.network;
  if (spec.subnet) plugin.subnet = spec.subnet;
  if (spec.clusterCidrs && spec.clusterCidrs.length > 0)
    plugin.clusterCIDR = spec.clusterCidrs.length === 1 ? spec.clusterCidrs[0] : spec.clusterCidrs;
  if (spec.root) plugin.root = spec.root;
  if (spec.runRoot) plugin.runRoot = spec.runRoot;
  plugin.capabilities = { portMappings: true };
  return `${JSON.stringify({ cniVersion: spec.cniVersion ?? '1.0.0', name: spec.name, plugins: [plugin] }, null, 2)}\n`;
}

/** The conf dir file name: sorted early, so a runtime that takes the first file takes it. */
export function conflistFile(name: string): string {
  return `10-${name}.conflist`;
}
