/**
 * The embedded DNS server's use cases: serve (the `netctl dns serve` adapter), the hook the
 * engine calls before a launch (start the server if needed, then its sockets for the
 * container), status for `netctl dns status`, doctor, the TUI, and gc's restart.
 */
import { isCniRecord } from '../model/cni-record.js';
import { appendFile } from 'node:fs/promises';
import { control, dnsFiles, serverPid, type ServerStatus } from '../dns/control.js';
import { ensureServer, probe } from '../dns/start.js';
import type { DnsHook } from '../engine/dns-hook.js';
import type { Finding } from '../engine/doctor.js';
import type { Store } from '../store/index.js';
import type { Host, HostPaths } from './host.js';
import type { LogSink } from '../sys/log.js';

export type { ServerStatus } from '../dns/control.js';

/**
 * The hook the engine calls before launching a container on a user-defined network. A
 * server that cannot start does not stop the container: its names resolve once the server
 * runs again (gc, the unit, the next start); the failure goes to the server's log, and
 * `doctor` reports the server missing.
 */
export function dnsHook(paths: HostPaths): DnsHook {
  return {
    async prepare(req) {
      try {
        await ensureServer(paths.root, paths.runRoot);
        await control(paths.runRoot, { op: 'prepare', ...req });
      } catch (err) {
        const line = `${new Date().toISOString()} prepare ${req.id.slice(0, 12)}: ${(err as Error).message}\n`;
        await appendFile(dnsFiles(paths.runRoot).log, line).catch(() => undefined);
      }
    },
  };
}

/** Runs the server until `signal` aborts. */
export async function serveDns(host: Host, signal: AbortSignal, log: LogSink): Promise<void> {
  const { serveDns: serve } = await import('../dns/serve.js');
  const { Store } = await import('../store/index.js');
  await serve(
    { root: host.paths.root, runRoot: host.paths.runRoot, openStore: () => Store.open({ root: host.paths.root }), log },
    signal,
  );
}

/** What `netctl dns status` shows. */
export interface DnsState {
  /** Whether a running container on a user-defined network needs the server. */
  needed: number;
  /** The server's pid by its pid file, when it lives. */
  pid?: number;
  /** Its own account, when it answers. */
  status?: ServerStatus;
  files: { pid: string; control: string; log: string };
}

function neededBy(store: Store): number {
  const user = new Set(
    store.networks
      .list()
      .filter((n) => n.name !== 'bridge')
      .map((n) => n.id),
  );
  const running = new Set(
    store.containers
      .list()
      // A CNI attachment's runtime owns its DNS: the server does not serve it.
      .filter((c) => c.state === 'running' && !isCniRecord(c))
      .map((c) => c.id),
  );
  return new Set(
    store.endpoints
      .all()
      .filter((e) => user.has(e.networkId) && running.has(e.containerId))
      .map((e) => e.containerId),
  ).size;
}

/**
 * One line for the TUI's header, without asking the server: '' when nothing needs it and it
 * does not run, else whether it runs and how many containers need it.
 */
export function dnsSummary(host: Host): string {
  const pid = serverPid(host.paths.runRoot);
  const needed = neededBy(host.store());
  if (pid === undefined) return needed ? `dns DOWN (${needed} containers need it: netctl gc)` : '';
  return `dns 127.0.0.11 up (pid ${pid}, ${needed} containers)`;
}

/** The server's state. */
export async function dnsState(host: Host): Promise<DnsState> {
  const { runRoot } = host.paths;
  const pid = serverPid(runRoot);
  const status = pid === undefined ? undefined : await probe(runRoot);
  return {
    needed: neededBy(host.store()),
    ...(pid !== undefined ? { pid } : {}),
    ...(status ? { status } : {}),
    files: dnsFiles(runRoot),
  };
}

/** Doctor's findings: a server needed but not answering, or one that failed to serve someone. */
export async function diagnoseDns(host: Host): Promise<Finding[]> {
  const s = await dnsState(host);
  if (s.needed > 0 && !s.status)
    return [
      {
        area: 'dns',
        problem: `the embedded DNS server is not running, and ${s.needed} container(s) on user-defined networks need it`,
        fix: 'netctl gc (or netctl dns serve, or the netctl-dns systemd unit)',
      },
    ];
  return (s.status?.errors ?? []).map((e) => ({ area: 'dns' as const, problem: e, fix: 'netctl gc' }));
}

/** gc's part: starts the server when containers need it and none answers. */
export async function gcDns(host: Host, dryRun: boolean): Promise<{ kind: 'dns'; name: string }[]> {
  const s = await dnsState(host);
  if (s.needed === 0 || s.status) return [];
  if (!dryRun) await ensureServer(host.paths.root, host.paths.runRoot);
  return [{ kind: 'dns', name: `${dryRun ? 'would start' : 'started'} the embedded DNS server` }];
}
