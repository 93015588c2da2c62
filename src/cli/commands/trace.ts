/**
 * `netctl trace [--from IP] [--proto P] HOSTIP:PORT [--json]`: the rules a new connection
 * meets in the live ruleset and the one that decides it.
 */
import type { CommandContext } from '../context.js';
import { type ChainResult, ruleText, type TraceReport, traceConnection } from '../../ops/read.js';

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function hits(r: ChainResult): string[] {
  const lines = r.hits.map(
    (h) =>
      `  ${h.chain.padEnd(28)} ${ruleText(h.rule)}${h.skipped ? `   (skipped: cannot evaluate ${h.skipped.join(', ')})` : ''}`,
  );
  if (r.policyOf) lines.push(`  ${r.policyOf.padEnd(28)} policy ${r.verdict}`);
  return lines;
}

/** The report as text. */
export function formatTrace(r: TraceReport): string {
  const p = r.packet;
  const lines = [
    `new ${p.proto} connection ${p.src} -> ${hostPort(p.dst, p.dport)}`,
    'nat PREROUTING:',
    ...hits(r.nat),
  ];
  if (r.dnat) {
    const who = r.dnat.container ? `: container ${r.dnat.container} on network ${r.dnat.network}` : '';
    lines.push(`  => destination rewritten to ${hostPort(r.dnat.ip, r.dnat.port)}${who}`);
  } else lines.push('  => not a published port: no DNAT');
  lines.push(
    `filter ${r.chain}${r.chain === 'FORWARD' && r.dnat?.bridge ? ` (out through ${r.dnat.bridge})` : ''}:`,
    ...hits(r.filter),
  );
  lines.push(`verdict: ${r.verdict}`);
  if (r.hint) lines.push(`hint: ${r.hint}`);
  return `${lines.join('\n')}\n`;
}

export default async function traceCommand(ctx: CommandContext): Promise<number> {
  const report = await traceConnection(ctx.host, {
    target: ctx.args[0] as string,
    from: ctx.opts.from as string,
    proto: ctx.opts.proto as string,
  });
  ctx.stdout.write(
    ctx.opts.json
      ? `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v), 2)}\n`
      : formatTrace(report),
  );
  return 0;
}
