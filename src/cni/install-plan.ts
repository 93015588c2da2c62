/**
 * What `netctl cni install` writes, as text: the plugin executable for the CNI bin dir (a
 * two-line sh script exec'ing node, by absolute path, on the bundled plugin, so a runtime
 * whose PATH has no node still finds it, and without NODE_EXTRA_CA_CERTS, which Node 20
 * would parse first) and, for a conf dir, a network configuration list naming a netctl
 * network with the `portMappings` capability. Pure.
 */

/** The plugin's type, and its file name in the bin dir. */
export const PLUGIN_TYPE = 'netctl';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The executable installed as `<bin-dir>/netctl`. */
export function wrapperText(node: string, entry: string): string {
  return `#!/bin/sh\n# netctl's CNI plugin (written by "netctl cni install")\nunset NODE_EXTRA_CA_CERTS\nexec ${quote(node)} ${quote(entry)} "$@"\n`;
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
  if (spec.clusterCidrs && spec.clusterCidrs.length > 0) plugin.clusterCIDR = spec.clusterCidrs.length === 1 ? spec.clusterCidrs[0] : spec.clusterCidrs;
  if (spec.root) plugin.root = spec.root;
  if (spec.runRoot) plugin.runRoot = spec.runRoot;
  plugin.capabilities = { portMappings: true };
  return `${JSON.stringify({ cniVersion: spec.cniVersion ?? '1.0.0', name: spec.name, plugins: [plugin] }, null, 2)}\n`;
}

/** The conf dir file name: sorted early, so a runtime that takes the first file takes it. */
export function conflistFile(name: string): string {
  return `10-${name}.conflist`;
}
