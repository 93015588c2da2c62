/**
 * Issue 25's part of preparing a service: one request per replica (`PROJECT-SERVICE-N`, as
 * compose v2 names them, each with the service name as a network alias so the DNS server
 * answers it with every replica's address), with the service's secrets and configs
 * mounted, its `tty` / `stdin_open`, and its `ipv6_address`es.
 */
import type { Engine } from '../engine/context.js';
import type { ComposeProject, ComposeService } from './types.js';
import type { ServiceRequest } from './request.js';
import type { DesiredService } from './plan.js';
import { NUMBER } from './labels.js';
import { fileMounts, type WrittenFile } from './prepare-files.js';

/** Where the requests and files of every container go. */
export interface ReplicaSink {
  byContainer: Map<string, ServiceRequest>;
  writes: Map<string, WrittenFile[]>;
}

/** The request of replica `i` of `svc`, made from the first one's. */
function replica(p: ComposeProject, svc: ComposeService, first: ServiceRequest, i: number): ServiceRequest {
  if (i === 1) return first;
  const name = `${p.name}-${svc.name}-${i}`;
  const aliases = (a: readonly string[] | undefined): string[] => (a ?? []).filter((x) => x !== name);
  return {
    ...first,
    run: {
      ...first.run,
      name,
      launch: { ...first.run.launch, hostname: svc.hostname ?? name },
      labels: { ...first.run.labels, [NUMBER]: String(i) },
      aliases: aliases(first.run.aliases),
    },
    connect: first.connect.map((c) => ({ ...c, container: name, aliases: aliases(c.aliases) })),
  };
}

/** Files, terminal and IPv6 settings into a request. */
function settle(engine: Engine, p: ComposeProject, svc: ComposeService, r: ServiceRequest, sink: ReplicaSink): void {
  const { mounts, writes } = fileMounts(engine.roots.runRoot, p.name, r.run.name, svc);
  if (mounts.length > 0) {
    const m = r.run.mounts ?? { mounts: [], volumesFrom: [], imageVolumes: [] };
    r.run.mounts = { ...m, mounts: [...m.mounts, ...mounts] };
    sink.writes.set(r.run.name, writes);
  }
  if (svc.tty) r.run.launch.tty = true;
  if (svc.stdinOpen) r.run.launch.interactive = true;
  const [first, ...rest] = svc.networks;
  if (first?.ipv6Address) r.run.ip6 = first.ipv6Address;
  rest.forEach((n, i) => {
    if (n.ipv6Address) r.connect[i]!.ip6 = n.ipv6Address;
  });
  sink.byContainer.set(r.run.name, r);
}

/** The desired containers of `svc` (none with 0 replicas), their requests put in `sink`. */
export function replicasOf(
  engine: Engine,
  p: ComposeProject,
  svc: ComposeService,
  desired: DesiredService,
  first: ServiceRequest,
  sink: ReplicaSink,
): DesiredService[] {
  const out: DesiredService[] = [];
  // Every replica is copied from the first before any is settled.
  const all = Array.from({ length: svc.replicas ?? 1 }, (_, i) => replica(p, svc, first, i + 1));
  for (const [i, r] of all.map((x, j) => [j + 1, x] as const)) {
    settle(engine, p, svc, r, sink);
    const container = r.run.name;
    out.push({
      ...desired,
      container,
      allow: desired.allow.map((a) => ({ ...a, container })),
      ...(i > 1 ? { number: i } : {}),
    });
  }
  return out;
}
