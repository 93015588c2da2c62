/**
 * Listening sockets of every network namespace on the machine, read from procfs: the
 * namespaces are found through the processes in them (`/proc/PID/ns/net`), each one's
 * sockets in `/proc/PID/net/{tcp,tcp6,udp,udp6}` of one of its processes, and each socket's
 * process by its inode among the file descriptors of that namespace's processes. Read only;
 * a process that exits meanwhile is skipped. The parser is pure and exported for tests.
 */
import { readdir, readFile, readlink, stat } from 'node:fs/promises';

/** One listening TCP socket or unconnected UDP socket. */
export interface ListenSocket {
  proto: 'tcp' | 'udp';
  family: 4 | 6;
  /** Bound address (`0.0.0.0`, `::`, `127.0.0.1`, `10.1.0.2`...). */
  ip: string;
  port: number;
  inode: number;
}

/** A network namespace with its processes and sockets. */
export interface NetnsSockets {
  /** The namespace's inode (`net:[N]`). */
  inode: number;
  pids: number[];
  sockets: (ListenSocket & { pid?: number; comm?: string })[];
}

function hexIp(hex: string, family: 4 | 6): string {
  // procfs prints each 32-bit word in host (little-endian) byte order.
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)));
  if (family === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // The URL parser prints an IPv6 address in its canonical, compressed form.
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** The listening sockets in one `/proc/net/{tcp,udp}{,6}` text. */
export function parseProcNet(text: string, proto: 'tcp' | 'udp', family: 4 | 6): ListenSocket[] {
  const out: ListenSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [local, remote, state, inode] = [f[1]!, f[2]!, f[3]!, Number(f[9])];
    // TCP_LISTEN is 0A; an unconnected UDP socket is TCP_CLOSE (07) with no remote port.
    if (proto === 'tcp' ? state !== '0A' : state !== '07' || !remote.endsWith(':0000')) continue;
    const [ip, port] = local.split(':');
    out.push({ proto, family, ip: hexIp(ip!, family), port: Number.parseInt(port!, 16), inode });
  }
  return out;
}

async function nsOf(pid: number): Promise<number | undefined> {
  const link = await readlink(`/proc/${pid}/ns/net`).catch(() => undefined);
  const m = link && /^net:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : undefined;
}

/** Every network namespace that has a process, by inode, with its pids (ascending). */
export async function namespaces(): Promise<Map<number, number[]>> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const out = new Map<number, number[]>();
  for (const pid of pids.sort((a, b) => a - b)) {
    const ns = await nsOf(pid);
    if (ns !== undefined) out.set(ns, [...(out.get(ns) ?? []), pid]);
  }
  return out;
}

const FILES = [
  ['tcp', 'tcp', 4],
  ['tcp6', 'tcp', 6],
  ['udp', 'udp', 4],
  ['udp6', 'udp', 6],
] as const;

/** Socket inode -> the first process of `pids` holding it, with its command name. */
async function holders(pids: readonly number[]): Promise<Map<number, { pid: number; comm: string }>> {
  const out = new Map<number, { pid: number; comm: string }>();
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    for (const fd of fds) {
      const m = /^socket:\[(\d+)\]$/.exec((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) ?? '');
      if (m && !out.has(Number(m[1]))) out.set(Number(m[1]), { pid, comm });
    }
  }
  return out;
}

/** The listening sockets of one namespace, read through the first of its processes that answers. */
export async function namespaceSockets(inode: number, pids: readonly number[]): Promise<NetnsSockets> {
  for (const pid of pids) {
    const texts = await Promise.all(
      FILES.map(([f]) => readFile(`/proc/${pid}/net/${f}`, 'utf8').catch(() => undefined)),
    );
    if (texts.some((t) => t === undefined)) continue;
    const sockets = FILES.flatMap(([, proto, family], i) => parseProcNet(texts[i]!, proto, family));
    const who = await holders(pids);
    return { inode, pids: [...pids], sockets: sockets.map((s) => ({ ...s, ...who.get(s.inode) })) };
  }
  return { inode, pids: [...pids], sockets: [] };
}

/** The inode of the network namespace at a path (`/run/netns/x`, `/proc/PID/ns/net`), or undefined. */
export async function netnsInodeOf(path: string): Promise<number | undefined> {
  return (await stat(path).catch(() => undefined))?.ino;
}

/** The container a process belongs to by its cgroup: `docker` or `podman` and the id. */
export async function cgroupContainer(pid: number): Promise<{ kind: 'docker' | 'podman'; id: string } | undefined> {
  const text = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
  const docker = /(?:docker-|\/docker\/)([0-9a-f]{64})/.exec(text);
  if (docker) return { kind: 'docker', id: docker[1]! };
  const podman = /libpod-(?:conmon-)?([0-9a-f]{64})/.exec(text);
  return podman ? { kind: 'podman', id: podman[1]! } : undefined;
}

/** Named namespaces (`ip netns add`, Docker's sandboxes): inode -> name, from the directories given. */
export async function namedNetns(dirs: readonly string[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const dir of dirs) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const ino = await netnsInodeOf(`${dir}/${name}`);
      if (ino !== undefined && !out.has(ino)) out.set(ino, name);
    }
  }
  return out;
}
