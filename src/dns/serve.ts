/**
 * `netctl dns serve`'s loop: claims the pid file, opens the state database, serves every
 * running container on a user-defined network, and follows the database by polling SQLite's
 * `data_version` (a counter in shared memory: no file is read, no query planned) every
 * POLL_MS; on a change the zone is read in one snapshot and the sockets reconciled. Nothing
 * is kept that the database does not hold, so a killed server restarts whole.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { ConflictError } from '../errors.js';
import { netnsPath } from '../engine/container-net.js';
import type { Store } from '../store/index.js';
import { closeFd, netnsSocket } from '../sys/native.js';
import { type ControlRequest, dnsDir, dnsFiles, serverPid, type ServerStatus } from './control.js';
import { Forwarder } from './forward.js';
import { DNS_ADDRESS, DnsServer } from './server.js';
import { filePortBook } from './ports.js';
import { applyRedirect } from './redirect.js';
import { hostUpstreams, type Upstreams } from './upstreams.js';
import { Zone } from './zone.js';
import type { LogSink } from '../sys/log.js';

/** How often the database's data_version is read, in milliseconds. */
export const POLL_MS = 20;
/** How often the host's resolv.conf is read again, in milliseconds. */
const UPSTREAMS_MS = 2000;

/** What the loop needs. */
export interface ServeDeps {
  root: string;
  runRoot: string;
  openStore(): Store;
  log: LogSink;
}

function claim(runRoot: string): string {
  const { pid } = dnsFiles(runRoot);
  mkdirSync(dnsDir(runRoot), { recursive: true, mode: 0o700 });
  const other = serverPid(runRoot);
  if (other !== undefined && other !== process.pid)
    throw new ConflictError(`netctl dns serve already runs (pid ${other})`, `stop it first, or see ${pid}`);
  writeFileSync(`${pid}.${process.pid}`, `${process.pid}\n`);
  renameSync(`${pid}.${process.pid}`, pid);
  return pid;
}

/** The host's upstreams, read again when older than UPSTREAMS_MS. */
function upstreamReader(): () => Upstreams {
  let up = hostUpstreams();
  let at = Date.now();
  return () => {
    if (Date.now() - at > UPSTREAMS_MS) [up, at] = [hostUpstreams(), Date.now()];
    return up;
  };
}

/** The control socket, mode 0600 (a dead server's socket file is replaced). */
async function listenControl(path: string, onConn: (c: Socket) => void): Promise<Server> {
  const ctl = createServer(onConn);
  rmSync(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    ctl.once('error', reject);
    ctl.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return ctl;
}

function readZone(store: Store): Zone {
  return store.snapshot(
    () =>
      new Zone({
        containers: store.containers.list({ all: true }),
        networks: store.networks.list(),
        endpoints: store.endpoints.all(),
        links: store.links.list(),
      }),
  );
}

/** Serves until `signal` aborts. */
export async function serveDns(deps: ServeDeps, signal: AbortSignal): Promise<void> {
  const pidFile = claim(deps.runRoot);
  const store = deps.openStore();
  const up = upstreamReader();
  const ports = filePortBook(dnsFiles(deps.runRoot).ports);
  const server = new DnsServer({
    makeSocket: (ns, kind, port) => netnsSocket(ns, kind, DNS_ADDRESS, port),
    closeFd,
    redirect: applyRedirect,
    ports,
    forwarder: new Forwarder(() => up().servers),
    log: deps.log,
  });
  let errors: string[] = [];
  const netnsOf = (id: string): string | undefined => {
    const p = netnsPath(deps.runRoot, id);
    return existsSync(p) ? p : undefined;
  };
  const refresh = (): void => {
    errors = server.reconcile(readZone(store), netnsOf);
  };
  let version = store.dataVersion();
  refresh();
  // Records of containers that went while no server ran.
  ports.prune(server.served);
  const since = new Date().toISOString();
  const status = (): ServerStatus => ({
    pid: process.pid,
    since,
    served: server.served.length,
    names: server.zone.size,
    upstreams: up().servers,
    upstreamSource: up().source,
    ownUpstreams: server.zone.served.filter((c) => server.zone.view(c.id)?.upstreams).length,
    ...server.stats,
    cacheEntries: server.forwarderCache().size,
    cacheHits: server.forwarderCache().hits,
    errors,
  });
  const sock = dnsFiles(deps.runRoot).control;
  const ctl = await listenControl(sock, (c) => onControl(c, server, status, deps.log));
  deps.log(`serving ${server.served.length} containers at ${DNS_ADDRESS}:53, upstreams ${up().servers.join(' ')}`);
  const timer = setInterval(() => {
    const v = store.dataVersion();
    if (v === version) return;
    version = v;
    refresh();
  }, POLL_MS);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(timer);
  ctl.close();
  server.close();
  store.close();
  rmSync(sock, { force: true });
  if (serverPid(deps.runRoot) === process.pid) rmSync(pidFile, { force: true });
}

function onControl(c: Socket, server: DnsServer, status: () => ServerStatus, log: LogSink): void {
  let buf = '';
  c.on('error', () => undefined);
  c.setTimeout(5000, () => c.destroy());
  c.on('data', async (d) => {
    buf += d.toString();
    const nl = buf.indexOf('\n');
    if (nl < 0) return;
    const line = buf.slice(0, nl);
    buf = '';
    let out: unknown;
    try {
      const req = JSON.parse(line) as ControlRequest;
      if (req.op === 'prepare') {
        const own = req.upstreams?.length ? req.upstreams : undefined;
        await server.attach(req.id, req.netns, { networks: req.networks, forward: req.forward, upstreams: own });
        out = { ok: true };
      } else if (req.op === 'status') out = { ok: true, value: status() };
      else out = { ok: false, error: 'unknown request' };
    } catch (err) {
      log(`control: ${(err as Error).message}`, {}, 'warn');
      out = { ok: false, error: (err as Error).message };
    }
    c.end(`${JSON.stringify(out)}\n`);
  });
}
