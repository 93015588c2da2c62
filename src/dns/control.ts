/**
 * The embedded server's files in the run root and its control socket: one JSON line in,
 * one JSON line out. `prepare` asks the server for a container's sockets before its process
 * starts (a container's first query finds the server bound); `status` reads its counters.
 */
import { livePid } from '../sys/pid-file.js';
import { createConnection } from 'node:net';
import { join } from 'node:path';

/** RUN_ROOT/dns: pid file, control socket, log, the sockets' ports (ports.ts). */
export function dnsDir(runRoot: string): string {
  return join(runRoot, 'dns');
}

/** The server's files. */
export function dnsFiles(runRoot: string): { pid: string; control: string; log: string; ports: string } {
  const d = dnsDir(runRoot);
  return {
    pid: join(d, 'dns.pid'),
    control: join(d, 'control.sock'),
    log: join(d, 'dns.log'),
    ports: join(d, 'ports'),
  };
}

/** A request. */
export type ControlRequest =
  | { op: 'prepare'; id: string; netns: string; networks: string[]; forward: boolean; upstreams?: string[] }
  | { op: 'status' };

/** What `status` answers. */
export interface ServerStatus {
  pid: number;
  since: string;
  served: number;
  names: number;
  upstreams: string[];
  upstreamSource: string;
  /** Served containers that forward to their own resolvers (`--dns`) instead. */
  ownUpstreams?: number;
  queries: number;
  local: number;
  forwarded: number;
  failed: number;
  cacheEntries: number;
  cacheHits: number;
  /** Serving failures of the last refresh, one line each. */
  errors: string[];
}

/** The pid of a live server by its pid file, or undefined. */
export function serverPid(runRoot: string): number | undefined {
  return livePid(dnsFiles(runRoot).pid);
}

/** Sends one request; resolves with the answer, rejects on no server or after `timeoutMs`. */
export function control<T>(runRoot: string, req: ControlRequest, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const c = createConnection(dnsFiles(runRoot).control);
    let buf = '';
    const fail = (err: Error): void => {
      c.destroy();
      reject(err);
    };
    c.setTimeout(timeoutMs, () => fail(new Error(`no answer in ${timeoutMs} ms`)));
    c.on('error', fail);
    c.on('connect', () => c.write(`${JSON.stringify(req)}\n`));
    c.on('data', (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      c.destroy();
      const out = JSON.parse(buf.slice(0, nl)) as { ok: boolean; error?: string; value?: T };
      if (out.ok) resolve(out.value as T);
      else reject(new Error(out.error ?? 'refused'));
    });
  });
}
