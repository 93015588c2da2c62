/**
 * The long-running `serve` verbs (`dns serve`, `health serve`): run a server until SIGTERM or
 * SIGINT, logging to the command's stdout with timestamps (the journal's stream under systemd).
 */
import type { CommandContext } from '../context.js';
import { configureLog, type LogSink } from '../../sys/log.js';

/** Runs SERVE with an abort signal that SIGTERM/SIGINT fire, until it returns. */
export async function serveUntilSignal(
  ctx: CommandContext,
  serve: (signal: AbortSignal, log: LogSink) => Promise<void>,
): Promise<void> {
  const stop = new AbortController();
  const end = (): void => stop.abort();
  process.on('SIGTERM', end);
  process.on('SIGINT', end);
  try {
    await serve(
      stop.signal,
      configureLog({ level: ctx.global.logLevel, stream: ctx.stdout, fd: 1, timestamps: true }).sink(),
    );
  } finally {
    process.off('SIGTERM', end);
    process.off('SIGINT', end);
  }
}
