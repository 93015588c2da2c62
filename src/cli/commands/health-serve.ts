/**
 * `netctl health serve`: runs the health runner until SIGTERM or SIGINT (health/runner.ts).
 * netctl starts it detached when a container with a health check starts.
 */
import type { CommandContext } from '../context.js';
import { serveHealth } from '../../ops/health.js';
import { serveUntilSignal } from './serve-until.js';

export default function healthServe(ctx: CommandContext): Promise<void> {
  return serveUntilSignal(ctx, (signal, log) => serveHealth(ctx.host, signal, log));
}
