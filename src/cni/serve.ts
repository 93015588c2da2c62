/**
 * `netctl cni serve`'s loop: a unix socket (mode 0600, in a 0700 directory) that the CNI
 * shim (native/cni-shim) forwards calls to. Each call goes through the plugin's own path,
 * `handle(env, stdin)` (body.ts: runPlugin through ops/cni.ts with a freshly opened Host,
 * closed after), one call at a time in arrival order, so the daemon carries no state
 * between calls that an exec'd plugin would not have: the Store is opened per call (other
 * netctl processes' changes are seen), the rules cache is the on-disk one validated by nft
 * generation. A socket of a daemon that died is replaced; one that answers is refused.
 */
import { chmodSync, lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ConflictError } from '../errors.js';
import type { PluginAnswer } from './plugin.js';
import { encodeAnswer, MAX_CALL, parseCall, type WireCall } from './wire.js';

/** How long a client may take to send its whole call. */
const READ_TIMEOUT_MS = 10_000;

/** What the loop needs. */
export interface ServeDeps {
  socket: string;
  handle(env: Record<string, string | undefined>, stdin: string): Promise<PluginAnswer>;
  log(line: string): void;
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
    open.add(conn);
    conn.on('close', () => open.delete(conn));
    let buf = Buffer.alloc(0);
    let taken = false;
    conn.setTimeout(READ_TIMEOUT_MS, () => {
      if (!taken) conn.destroy();
    });
    const fail = (msg: string): void => {
      log(`refused a call: ${msg}`);
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
          log(`${describe(c)}: exit ${answer.exitCode} (${(performance.now() - t0).toFixed(1)} ms)`);
          if (!conn.destroyed) conn.end(encodeAnswer(answer.exitCode, answer.stdout));
        })
        .catch((err: unknown) => {
          log(`internal error: ${(err as Error).message}`);
          conn.destroy();
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(tmp, () => resolve());
  });
  chmodSync(tmp, 0o600);
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
