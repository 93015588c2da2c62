/**
 * The ports each container's sockets were bound to, kept in RUN_ROOT/dns/ports/ID so that a
 * server that restarts (killed, systemd, an upgrade) binds the same ones again: the DNAT in
 * the container's namespace, and the conntrack entries of flows already under way, still
 * point at them, so nothing in the namespace changes and no query meets a stale port. A
 * record holds the namespace's identity (device and inode): a container that got a new
 * namespace (restarted) gets new ports and a new redirect.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A container's two ports. */
export interface PortPair {
  udp: number;
  tcp: number;
}

/** What the server keeps of its ports (absent: nothing is kept, every start redirects anew). */
export interface PortBook {
  /** The ports recorded for `id` in this very namespace, or undefined. */
  get(id: string, netns: string): PortPair | undefined;
  /** Records `id`'s ports once its redirect is in place. */
  set(id: string, netns: string, ports: PortPair): void;
  /** Forgets `id` (no longer served). */
  drop(id: string): void;
  /** Forgets every id but `keep`. */
  prune(keep: readonly string[]): void;
}

function nsIdentity(netns: string): string | undefined {
  try {
    const s = statSync(netns);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/** The port book in directory `dir` (RUN_ROOT/dns/ports): one small file per container. */
export function filePortBook(dir: string): PortBook {
  const path = (id: string): string => join(dir, id.replace(/[^0-9a-zA-Z]/g, ''));
  return {
    get(id, netns) {
      let text: string;
      try {
        text = readFileSync(path(id), 'utf8');
      } catch {
        return undefined;
      }
      const [ns, udp, tcp] = text.trim().split(' ');
      const ok = (p: number): boolean => Number.isInteger(p) && p > 0 && p < 65536;
      if (ns !== nsIdentity(netns) || !ok(Number(udp)) || !ok(Number(tcp))) return undefined;
      return { udp: Number(udp), tcp: Number(tcp) };
    },
    set(id, netns, ports) {
      const ns = nsIdentity(netns);
      if (!ns) return;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${path(id)}.${process.pid}`;
      writeFileSync(tmp, `${ns} ${ports.udp} ${ports.tcp}\n`);
      renameSync(tmp, path(id));
    },
    drop(id) {
      rmSync(path(id), { force: true });
    },
    prune(keep) {
      const live = new Set(keep.map((id) => id.replace(/[^0-9a-zA-Z]/g, '')));
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const n of names) if (!live.has(n)) rmSync(join(dir, n), { force: true });
    },
  };
}
