/**
 * What `netctl podman install` writes into a netavark plugin dir, as text: a short sh
 * wrapper named `netctl` (the driver name) exec'ing node, by absolute path, on the bundled
 * plugin with netctl's state directories in its environment (netavark passes none of its
 * own), without NODE_EXTRA_CA_CERTS; with a shim, `create`, `setup` and `teardown` go first
 * through the CNI shim (native/cni-shim) to `netctl cni serve` on its socket, the command and
 * namespace in {@link PODMAN_COMMAND_ENV} and {@link PODMAN_NETNS_ENV}, and node runs them
 * itself only when no daemon listens. Also reading back what a wrapper names, and the plugin
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

/** The environment variable that carries the plugin's command to the daemon (the shim forwards NETCTL_PODMAN_*). */
export const PODMAN_COMMAND_ENV = 'NETCTL_PODMAN_COMMAND';
/** The environment variable that carries setup's and teardown's namespace path to the daemon. */
export const PODMAN_NETNS_ENV = 'NETCTL_PODMAN_NETNS';

/** What the wrapper runs. */
export interface WrapperSpec {
  node: string;
  entry: string;
  root: string;
  runRoot: string;
  /** The shim and the daemon's socket: the calls go to `netctl cni serve` when it listens. */
  via?: ShimVia;
}

/** The CNI shim's path and the socket it forwards to. */
export interface ShimVia {
  shim: string;
  socket: string;
}

/** The wrapper's text. */
export function wrapperText(w: WrapperSpec): string {
  return [
    '#!/bin/sh',
    WRAPPER_MARK,
    'unset NODE_EXTRA_CA_CERTS',
    `NETCTL_ROOT=${quote(w.root)} NETCTL_RUN_ROOT=${quote(w.runRoot)}`,
    'export NETCTL_ROOT NETCTL_RUN_ROOT',
    ...(w.via ? viaShim(w, w.via) : []),
    `exec ${quote(w.node)} ${quote(w.entry)} "$@"`,
    '',
  ].join('\n');
}

// `info` stays with node: netavark may leave its stdin open, which the shim would wait on.
function viaShim(w: WrapperSpec, via: ShimVia): string[] {
  return [
    '# Forwarded to "netctl cni serve" on the socket; run by node itself when no daemon listens.',
    'case "${1-}" in',
    'create | setup | teardown)',
    `\t${PODMAN_COMMAND_ENV}=$1 ${PODMAN_NETNS_ENV}=\${2-}`,
    `\texport ${PODMAN_COMMAND_ENV} ${PODMAN_NETNS_ENV}`,
    `\texec ${quote(via.shim)} ${quote(via.socket)} ${quote(w.node)} ${quote(w.entry)} "$@"`,
    '\t;;',
    'esac',
  ];
}

const unquote = (s: string): string => s.replace(/^'|'$/g, '').replace(/'\\''/g, "'");

/** What a wrapper written by {@link wrapperText} names; undefined for a file that is not one. */
export function readWrapper(text: string): WrapperSpec | undefined {
  if (!text.split('\n').includes(WRAPPER_MARK)) return undefined;
  const env = /^NETCTL_ROOT=('(?:[^']|'\\'')*') NETCTL_RUN_ROOT=('(?:[^']|'\\'')*')$/m.exec(text);
  const exec = /^exec ('(?:[^']|'\\'')*') ('(?:[^']|'\\'')*') "\$@"$/m.exec(text);
  if (!env || !exec) return undefined;
  const q = `('(?:[^']|'\\\\'')*')`;
  const shim = new RegExp(`^\\texec ${q} ${q} ${q} ${q} "\\$@"$`, 'm').exec(text);
  return {
    root: unquote(env[1]!),
    runRoot: unquote(env[2]!),
    node: unquote(exec[1]!),
    entry: unquote(exec[2]!),
    ...(shim ? { via: { shim: unquote(shim[1]!), socket: unquote(shim[2]!) } } : {}),
  };
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
