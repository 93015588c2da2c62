/**
 * What `netctl podman install` writes into a netavark plugin dir, as text: a short sh
 * wrapper named `netctl` (the driver name) exec'ing node, by absolute path, on the bundled
 * plugin with netctl's state directories in its environment (netavark passes none of its
 * own), without NODE_EXTRA_CA_CERTS. Also reading back what a wrapper names, and the plugin
 * dirs a containers.conf lists (`netavark_plugin_dirs`), for `doctor`. Pure.
 */
import { DRIVER } from './types.js';

/** The first line after the shebang: how netctl recognises its own wrapper (uninstall, doctor). */
export const WRAPPER_MARK = `# netctl's netavark plugin (written by "netctl podman install")`;

/** Podman's default `netavark_plugin_dirs` (containers.conf(5)), the first is install's default. */
export const DEFAULT_PLUGIN_DIRS = [
  '/usr/local/libexec/netavark',
  '/usr/libexec/netavark',
  '/usr/local/lib/netavark',
  '/usr/lib/netavark',
] as const;

/** The plugin's file name in a plugin dir. */
export const PLUGIN_FILE = DRIVER;

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** What the wrapper runs. */
export interface WrapperSpec {
  node: string;
  entry: string;
  root: string;
  runRoot: string;
}

/** The wrapper's text. */
export function wrapperText(w: WrapperSpec): string {
  return [
    '#!/bin/sh',
    WRAPPER_MARK,
    'unset NODE_EXTRA_CA_CERTS',
    `NETCTL_ROOT=${quote(w.root)} NETCTL_RUN_ROOT=${quote(w.runRoot)}`,
    'export NETCTL_ROOT NETCTL_RUN_ROOT',
    `exec ${quote(w.node)} ${quote(w.entry)} "$@"`,
    '',
  ].join('\n');
}

const unquote = (s: string): string => s.replace(/^'|'$/g, '').replace(/'\\''/g, "'");

/** What a wrapper written by {@link wrapperText} names; undefined for a file that is not one. */
export function readWrapper(text: string): WrapperSpec | undefined {
  if (!text.split('\n').includes(WRAPPER_MARK)) return undefined;
  const env = /^NETCTL_ROOT=('(?:[^']|'\\'')*') NETCTL_RUN_ROOT=('(?:[^']|'\\'')*')$/m.exec(text);
  const exec = /^exec ('(?:[^']|'\\'')*') ('(?:[^']|'\\'')*') "\$@"$/m.exec(text);
  if (!env || !exec) return undefined;
  return { root: unquote(env[1]!), runRoot: unquote(env[2]!), node: unquote(exec[1]!), entry: unquote(exec[2]!) };
}

/**
 * `netavark_plugin_dirs` of a containers.conf text (the `[network]` table's list, which may
 * span lines); undefined when the file does not set it.
 */
export function pluginDirsOf(conf: string): string[] | undefined {
  const m = /^\s*netavark_plugin_dirs\s*=\s*\[([^\]]*)\]/m.exec(conf.replace(/#[^\n]*/g, ''));
  if (!m) return undefined;
  return [...m[1]!.matchAll(/"([^"]*)"|'([^']*)'/g)].map((x) => x[1] ?? x[2]!).filter((d) => d !== '');
}
