/**
 * `netctl health serve`: runs the health runner until SIGTERM or SIGINT (health/runner.ts).
 * netctl starts it detached when a container with a health check starts.
 */
import type { CommandContext } from '../context.js';
import { serveHealth } from '../../ops/health.js';
import { configureLog } from '../../sys/log.js';

export default async function healthServe(ctx: CommandContext): Promise<void> {
  const stop = new AbortController();
  const end = (): void => stop.abort();
  process.on('SIGTERM', end);
  process.on('SIGINT', end);
  try {
    await serveHealth(
      ctx.host,
      stop.signal,
      configureLog({ level: ctx.global.logLevel, stream: ctx.stdout, fd: 1, timestamps: true }).sink(),
    );
  } finally {
    process.off('SIGTERM', end);
    process.off('SIGINT', end);
  }
}
