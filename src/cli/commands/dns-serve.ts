/**
 * `netctl dns serve`: runs the embedded DNS server until SIGTERM or SIGINT (dns/serve.ts).
 * netctl starts it detached on demand; the netctl-dns systemd unit runs it the same way.
 */
import type { CommandContext } from '../context.js';
import { serveDns } from '../../ops/dns.js';
import { configureLog } from '../../sys/log.js';

export default async function dnsServe(ctx: CommandContext): Promise<void> {
  const stop = new AbortController();
  const end = (): void => stop.abort();
  process.on('SIGTERM', end);
  process.on('SIGINT', end);
  try {
    await serveDns(
      ctx.host,
      stop.signal,
      configureLog({ level: ctx.global.logLevel, stream: ctx.stdout, fd: 1, timestamps: true }).sink(),
    );
  } finally {
    process.off('SIGTERM', end);
    process.off('SIGINT', end);
  }
}
