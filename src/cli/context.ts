/**
 * What every command receives: its positional arguments, its options, the global options,
 * and where to print. Command modules are loaded lazily and export `default run(ctx)`.
 */

import type { Host } from '../ops/host.js';

/** Global options shared by every command. */
export interface GlobalOptions {
  /** State directory (database). `--root`, `NETCTL_ROOT`, default /var/lib/netctl. */
  root: string;
  /** Runtime directory (netns, pid files, logs). `--run-root`, `NETCTL_RUN_ROOT`, default /run/netctl. */
  runRoot: string;
  /** `--log-level` (else NETCTL_LOG_LEVEL, else info): see sys/log.ts. */
  logLevel?: string;
}

/** The input of a command module. */
export interface CommandContext {
  /** The command path, e.g. `network create`. */
  name: string;
  /** Positional arguments in declaration order (variadic ones as arrays). */
  args: unknown[];
  /** The command's own options, as commander parsed them. */
  opts: Record<string, unknown>;
  global: GlobalOptions;
  /** The host context, built once for the process: every effect goes through it. */
  host: Host;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A lazily loaded command implementation; returns the exit code (default 0). */
export type CommandModule = { default: (ctx: CommandContext) => Promise<number | void> };
