/**
 * `netctl inspect NAME`: a container as Docker-like JSON: state from its monitor, config,
 * network settings with addresses, and published ports.
 */
import type { CommandContext } from '../context.js';
import { containerPaths } from '../../runtime/paths.js';
import { liveStatus, readState } from '../../runtime/state.js';

export default async function inspect(ctx: CommandContext): Promise<void> {
  const store = ctx.host.store();
  const roots = { root: ctx.global.root, runRoot: ctx.global.runRoot };
  try {
    const c = store.containers.require(ctx.args[0] as string);
    const st = await readState(containerPaths(roots, c.id).state);
    const networks: Record<string, object> = {};
    for (const e of store.endpoints.forContainer(c.id)) {
      const n = store.networks.get(e.networkId);
      networks[n?.name ?? e.networkId] = {
        NetworkID: e.networkId,
        IPAddress: e.address ?? '',
        IPPrefixLen: Number(n?.subnet.split('/')[1] ?? 0),
        Gateway: n?.gateway ?? '',
        GlobalIPv6Address: e.address6 ?? '',
        Aliases: e.aliases,
        HostInterface: e.hostIfname ?? '',
      };
    }
    const ports: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of store.ports.list(c.id))
      (ports[`${p.containerPort}/${p.proto}`] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
    const view = {
      Id: c.id,
      Name: c.name,
      Image: c.image,
      Created: c.createdAt,
      State: {
        Status: st ? liveStatus(st) : c.state,
        Pid: st?.pid ?? c.pid ?? 0,
        MonitorPid: st?.monitorPid ?? 0,
        ExitCode: st?.exitCode ?? c.exitCode ?? null,
        StartedAt: st?.startedAt ?? c.startedAt ?? null,
        FinishedAt: st?.finishedAt ?? c.finishedAt ?? null,
        RestartCount: st?.restartCount ?? 0,
        Error: st?.error ?? '',
      },
      Config: c.config,
      NetworkSettings: { Networks: networks, Ports: ports },
    };
    ctx.stdout.write(`${JSON.stringify([view], null, 2)}\n`);
  } finally {
    store.close();
  }
}
