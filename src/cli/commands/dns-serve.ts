/**
 * `netctl dns serve`: runs the embedded DNS server until SIGTERM or SIGINT (dns/serve.ts).
 * netctl starts it detached on demand; the netctl-dns systemd unit runs it the same way.
 */
import type { CommandContext } from '../context.js';
import { serveDns } from '../../ops/dns.js';
import { serveUntilSignal } from './serve-until.js';

export default function dnsServe(ctx: CommandContext): Promise<void> {
  return serveUntilSignal(ctx, (signal, log) => serveDns(ctx.host, signal, log));
}
