/**
 * `netctl audit [--json]`: every listening socket on the host and in every container's
 * namespace, its owner, bound address and what ufw does to new connections to it from
 * outside (ops/audit.ts); exit 1 when something is reachable that no ufw rule allows.
 */
import type { CommandContext } from '../context.js';
import { audit, type AuditEntry } from '../../ops/audit.js';
import { dockerClient } from '../../ops/docker.js';

const STATE: Record<AuditEntry['state'], string> = {
  open: 'open',
  closed: 'closed',
  restricted: 'open from',
  local: 'local only',
  unpublished: 'not published',
};

/** One row: `docker:web  tcp  0.0.0.0:80  httpd (pid 412)  via 0.0.0.0:8080  open  ufw route rule ...`. */
export function auditLine(e: AuditEntry): string {
  const owner = e.owner.kind === 'host' ? 'host' : `${e.owner.kind}:${e.owner.name}`;
  const addr = `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`;
  const state = e.state === 'restricted' ? `open from ${e.sources.join(',')}` : STATE[e.state];
  const via = e.via.length > 0 ? ` via ${e.via.join(',')}` : '';
  const flag = e.unruled ? '  ! no ufw rule allows this' : '';
  return `${owner.padEnd(18)} ${e.proto} ${addr.padEnd(24)} ${(e.process ?? '-').padEnd(20)} ${state}${via}: ${e.reason}${flag}`;
}

export default async function auditCommand(ctx: CommandContext): Promise<number> {
  const dockerHost = ctx.opts.dockerHost as string | undefined;
  const entries = await audit(ctx.host, () => dockerClient(dockerHost, 3000));
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  else if (entries.length === 0) ctx.stdout.write('no listening sockets\n');
  else ctx.stdout.write(`${entries.map(auditLine).join('\n')}\n`);
  return entries.some((e) => e.unruled) ? 1 : 0;
}
