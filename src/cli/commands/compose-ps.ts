/**
 * `netctl compose ps [-a] [--json] [SERVICE...]`: the project's containers with their
 * service, state and published ports.
 */
import type { CommandContext } from '../context.js';
import { composeName, rootsOf, serviceContainers } from '../compose-context.js';
import { labelsOf } from '../../compose/observe.js';
import { SERVICE } from '../../compose/labels.js';
import { containerPaths } from '../../runtime/paths.js';
import { liveStatus, readState } from '../../runtime/state.js';
import { table } from '../format/table.js';

export default async function composePs(ctx: CommandContext): Promise<void> {
  const { name, project } = await composeName(ctx);
  const engine = await ctx.host.engine();
  try {
    const s = engine.store;
    const nets = new Map(s.networks.list().map((n) => [n.id, n.name]));
    const rows = [];
    for (const c of serviceContainers(engine, name, project, (ctx.args[0] as string[] | undefined) ?? [])) {
      const st = await readState(containerPaths(rootsOf(ctx), c.id).state);
      const status = st ? liveStatus(st) : c.state;
      if (!ctx.opts.all && status !== 'running' && status !== 'restarting') continue;
      const ports = s.ports
        .list(c.id)
        .map(
          (p) => `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}->${p.containerPort}/${p.proto}`,
        );
      const networks = s.endpoints
        .forContainer(c.id)
        .map((e) => `${nets.get(e.networkId) ?? e.networkId}=${e.address ?? ''}`);
      rows.push({
        name: c.name,
        service: labelsOf(c)[SERVICE] ?? '',
        image: c.image,
        status: status === 'exited' ? `exited (${st?.exitCode ?? '?'})` : status,
        networks,
        ports,
      });
    }
    if (ctx.opts.json) {
      ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    ctx.stdout.write(
      table(
        ['NAME', 'SERVICE', 'IMAGE', 'STATUS', 'NETWORKS', 'PORTS'],
        rows.map((r) => [r.name, r.service, r.image, r.status, r.networks.join(','), r.ports.join(', ')]),
      ),
    );
  } finally {
    engine.close();
  }
}
