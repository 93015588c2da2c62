/**
 * The embedded DNS server's part in a launch: a container on a user-defined network gets its
 * server sockets (127.0.0.11:53 in its namespace) before its process starts, so its first
 * query finds them; later changes reach the server through the database alone.
 */
import type { Engine } from './context.js';

/** What the engine asks of the DNS server (ops/dns.ts supplies it; absent in tests). */
export interface DnsHook {
  /**
   * Sockets for container `id` in `netns`, seeing `networks` (ids); `forward`: not internal-only;
   * `upstreams`: its own `--dns` servers, asked for what it forwards.
   */
  prepare(req: {
    id: string;
    netns: string;
    networks: string[];
    forward: boolean;
    upstreams?: string[];
  }): Promise<void>;
}

/** Asks for the container's sockets when it is on a user-defined network (not `bridge`). */
export async function dnsBeforeLaunch(engine: Engine, containerId: string, netns: string): Promise<void> {
  if (!engine.dns || netns === 'host') return;
  const nets = engine.store.endpoints
    .forContainer(containerId)
    .map((e) => engine.store.networks.get(e.networkId))
    .filter((n) => n !== undefined && n.name !== 'bridge');
  if (nets.length === 0) return;
  await engine.dns.prepare({
    id: containerId,
    netns,
    networks: nets.map((n) => n!.id),
    forward: nets.some((n) => !n!.internal),
    upstreams: (engine.store.containers.get(containerId)?.config.dns as { servers?: string[] } | undefined)?.servers,
  });
}
