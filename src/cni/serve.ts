/**
 * `netctl cni serve`'s loop: a unix socket (mode 0600, in a 0700 directory; 0660 for a group)
 * whose callers are checked with SO_PEERCRED (root and that group only), that the CNI
 * shim (native/cni-shim) forwards calls to. Each call goes through the plugin's own path,
 * `handle(env, stdin)` (body.ts: runPlugin through ops/cni.ts with a freshly opened Host,
 * closed after), one call at a time in arrival order, so the daemon carries no state
 * between calls that an exec'd plugin would not have: the Store is opened per call (other
 * netctl processes' changes are seen), the rules cache is the on-disk one validated by nft
 * generation. A socket of a daemon that died is replaced; one that answers is refused.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ConflictError } from '../errors.js';
import type { PluginAnswer } from './plugin.js';
import { encodeAnswer, MAX_CALL, parseCall, type WireCall } from './wire.js';
import type { PeerCred } from '../sys/peer-cred.js';
import type { LogSink } from '../sys/log.js';

/** How long a client may take to send its whole call. */
const READ_TIMEOUT_MS = 10_000;

/** What the loop needs. */
export interface ServeDeps {
  socket: string;
  handle(env: Record<string, string | undefined>, stdin: string): Promise<PluginAnswer>;
  log: LogSink;
  /**
   * Who connected (SO_PEERCRED, sys/peer-cred.ts). Root, and members of `group`, may call;
   * anyone else is refused whatever the socket's mode says. Absent: no check (unit tests).
   */
  peer?(conn: Socket): PeerCred | undefined;
  /** The group allowed besides root: the socket is made 0660 root:GROUP, its directory g+x. */
  group?: number;
}

/** Why `p` may not call, or undefined when it may. */
function refusal(p: PeerCred | undefined, group: number | undefined): string | undefined {
  if (!p) return 'no peer credentials';
  if (p.uid === 0) return undefined;
  if (group !== undefined && (p.gid === group || p.groups.includes(group))) return undefined;
  const who = `uid ${p.uid} gid ${p.gid} pid ${p.pid}`;
  return `${who}: only root${group === undefined ? '' : ` and group ${group}`} may call`;
}

function checkPeer(deps: ServeDeps, conn: Socket): string | undefined {
  if (!deps.peer) return undefined;
  try {
    return refusal(deps.peer(conn), deps.group);
  } catch (err) {
    return `peer credentials: ${(err as Error).message}`;
  }
}

/** Whether something answers on `path` (a daemon already runs). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(path);
    const done = (v: boolean): void => {
      c.destroy();
      resolve(v);
    };
    c.once('connect', () => done(true));
    c.once('error', () => done(false));
    c.setTimeout(2000, () => done(false));
  });
}

function describe(call: WireCall): string {
  const e = call.env;
  if (e.NETCTL_PODMAN_COMMAND)
    return ['podman', e.NETCTL_PODMAN_COMMAND, e.NETCTL_PODMAN_NETNS].filter(Boolean).join(' ');
  return [e.CNI_COMMAND ?? '-', e.CNI_CONTAINERID, e.CNI_IFNAME].filter(Boolean).join(' ');
}

/** Listens until `signal` aborts, then finishes the running call, removes the socket and resolves. */
export async function serveCni(deps: ServeDeps, signal: AbortSignal): Promise<void> {
  const { socket: path, log } = deps;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (await answers(path)) throw new ConflictError(`a netctl cni daemon already listens on "${path}"`, 'stop it first');
  // Bound and chmod'ed under a temporary name, then renamed: no moment of a wider mode,
  // and a dead daemon's socket is replaced in one step.
  const tmp = `${path}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  let queue: Promise<void> = Promise.resolve();
  const open = new Set<Socket>();
  // Half-open: the shim shuts its side down after the call and waits for the answer.
  const server: Server = createServer({ allowHalfOpen: true }, (conn) => {
    const refused = checkPeer(deps, conn);
    if (refused) {
      log(`refused a connection from ${refused}`, {}, 'warn');
      conn.destroy();
      return;
    }
    open.add(conn);
    conn.on('close', () => open.delete(conn));
    let buf = Buffer.alloc(0);
    let taken = false;
    conn.setTimeout(READ_TIMEOUT_MS, () => {
      if (!taken) conn.destroy();
    });
    const fail = (msg: string): void => {
      log(`refused a call: ${msg}`, {}, 'warn');
      conn.destroy();
    };
    conn.on('error', () => undefined);
    // Half-open: a client that shut its side before a whole call gets nothing more.
    conn.on('end', () => {
      if (!taken) conn.destroy();
    });
    conn.on('data', (chunk: Buffer) => {
      if (taken) return fail('bytes after the call');
      if (buf.length + chunk.length > MAX_CALL) return fail(`call larger than ${MAX_CALL} bytes`);
      buf = Buffer.concat([buf, chunk]);
      let call: WireCall | undefined;
      try {
        call = parseCall(buf);
      } catch (err) {
        return fail((err as Error).message);
      }
      if (!call) return;
      taken = true;
      conn.setTimeout(0);
      const c = call;
      queue = queue
        .then(async () => {
          const t0 = performance.now();
          const answer = await deps.handle(c.env, c.stdin);
          log(`${describe(c)}: exit ${answer.exitCode} (${(performance.now() - t0).toFixed(1)} ms)`, {
            container: c.env.CNI_CONTAINERID,
            netns: c.env.CNI_NETNS,
            exit: answer.exitCode,
          });
          if (!conn.destroyed) conn.end(encodeAnswer(answer.exitCode, answer.stdout));
        })
        .catch((err: unknown) => {
          log(`internal error: ${(err as Error).message}`, {}, 'error');
          conn.destroy();
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(tmp, () => resolve());
  });
  if (deps.group === undefined) chmodSync(tmp, 0o600);
  else {
    chownSync(tmp, process.getuid?.() ?? 0, deps.group);
    chmodSync(tmp, 0o660);
    // Search, not read: the group reaches the socket, not a listing of the directory.
    const dir = dirname(path);
    chownSync(dir, statSync(dir).uid, deps.group);
    chmodSync(dir, statSync(dir).mode | 0o010);
  }
  renameSync(tmp, path);
  const ino = lstatSync(path).ino;
  log(`listening on ${path}`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  server.close();
  await queue;
  for (const c of open) c.destroy();
  try {
    if (lstatSync(path).ino === ino) rmSync(path, { force: true });
  } catch {
    // Already gone.
  }
  log('stopped');
}
