/**
 * `netctl ps [-a] [--json]`: containers with their state (read from their monitors),
 * addresses and published ports.
 */
import type { CommandContext } from '../context.js';
import { containerPaths } from '../../runtime/paths.js';
import { liveStatus, readState } from '../../runtime/state.js';
import { table } from '../format/table.js';

interface Row {
  id: string;
  name: string;
  image: string;
  status: string;
  exitCode: number | null;
  addresses: string[];
  ports: string[];
}

export default async function ps(ctx: CommandContext): Promise<void> {
  const store = ctx.host.store();
  const roots = { root: ctx.global.root, runRoot: ctx.global.runRoot };
  try {
    const rows: Row[] = [];
    for (const c of store.containers.list({ all: true })) {
      const st = await readState(containerPaths(roots, c.id).state);
      const status = st ? liveStatus(st) : c.state;
      if (!ctx.opts.all && status !== 'running' && status !== 'restarting') continue;
      const ports = store.ports
        .list(c.id)
        .map(
          (p) => `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}->${p.containerPort}/${p.proto}`,
        );
      const addrs = store.endpoints.forContainer(c.id).map((e) => e.address ?? '');
      rows.push({
        id: c.id,
        name: c.name,
        image: c.image,
        status,
        exitCode: st?.exitCode ?? null,
        addresses: addrs,
        ports,
      });
    }
    if (ctx.opts.json) {
      ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    const status = (r: Row): string => (r.status === 'exited' ? `exited (${r.exitCode ?? '?'})` : r.status);
    ctx.stdout.write(
      table(
        ['CONTAINER ID', 'NAME', 'IMAGE', 'STATUS', 'ADDRESS', 'PORTS'],
        rows.map((r) => [r.id.slice(0, 12), r.name, r.image, status(r), r.addresses.join(','), r.ports.join(', ')]),
      ),
    );
  } finally {
    store.close();
  }
}
