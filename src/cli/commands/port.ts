/**
 * `netctl port NAME [PORT[/PROTO]]`: the container's published ports, Docker style.
 */
import type { CommandContext } from '../context.js';
import { NotFoundError } from '../../errors.js';

export default async function port(ctx: CommandContext): Promise<void> {
  const store = ctx.host.store();
  try {
    const c = store.containers.require(ctx.args[0] as string);
    const want = ctx.args[1] as string | undefined;
    const [wport, wproto = 'tcp'] = want ? want.split('/') : [];
    const ports = store.ports
      .list(c.id)
      .filter((p) => !want || (String(p.containerPort) === wport && p.proto === wproto));
    if (want && ports.length === 0) throw new NotFoundError('published port', `${c.name} ${want}`);
    if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(ports, null, 2)}\n`);
    else
      for (const p of ports)
        ctx.stdout.write(
          `${want ? '' : `${p.containerPort}/${p.proto} -> `}${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}\n`,
        );
  } finally {
    store.close();
  }
}
