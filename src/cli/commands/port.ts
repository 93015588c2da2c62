/**
 * `netctl port NAME [PORT[/PROTO]]`: the container's published ports, Docker style.
 */
import type { CommandContext } from '../context.js';
import { publishedPorts } from '../../ops/read.js';

export default async function port(ctx: CommandContext): Promise<void> {
  const want = ctx.args[1] as string | undefined;
  const ports = publishedPorts(ctx.host, ctx.args[0] as string, want);
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(ports, null, 2)}\n`);
  else
    for (const p of ports)
      ctx.stdout.write(
        `${want ? '' : `${p.containerPort}/${p.proto} -> `}${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}\n`,
      );
}
