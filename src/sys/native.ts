/**
 * The native addon (native/src/*.cc): persistent network namespaces and running a callback
 * on the calling thread inside one. Loaded lazily on first use, so commands that never touch
 * a namespace start without it.
 */
import { createRequire } from 'node:module';
import { installPath } from './install-root.js';
import { SystemError, wrap } from '../errors.js';

/**
 * Rules to delete from one chain, and what the chain holds now: the argument of
 * nftDeleteRules, planned by firewall/iptables/plan-deletes.ts.
 */
export interface ChainEdit {
  family: 4 | 6;
  table: string;
  chain: string;
  /** The `-m comment` text of every rule of the chain, in order ("" for none): checked against the kernel's. */
  comments: string[];
  /** Positions (into `comments`) of the rules to delete. */
  doomed: number[];
}

/** Network namespace operations; tests and the planner's apply layer take this interface. */
export interface NetnsOps {
  /**
   * Creates a persistent network namespace bound at `path` (parent directories and their
   * shared mount point included). Throws when `path` already exists.
   */
  createNetns(path: string): void;
  /** Unmounts (lazily) and removes a namespace file; a missing one is not an error. */
  deleteNetns(path: string): void;
  /**
   * Runs `fn` synchronously with the calling thread inside the namespace at `path`, and
   * always returns to the original namespace afterwards, rethrowing what `fn` threw. Only
   * what `fn` does before returning happens inside: sockets it creates stay in that
   * namespace, but anything it awaits runs back outside.
   */
  withNetns<T>(path: string, fn: () => T): T;
  /** Opens a namespace file (checked to be a network namespace) and returns the fd. */
  netnsFd(path: string): number;
  /** Closes an fd returned by {@link NetnsOps.netnsFd}. */
  closeFd(fd: number): void;
  /**
   * Deletes a link of the namespace the process started in on a worker thread; settles when
   * the kernel is done (long after the link left the lists). Absent in test fakes.
   */
  deleteLinkAsync?(name: string): Promise<void>;
}

/** The addon's location, two levels above this file in both src/sys and dist/sys. */
export const ADDON_PATH = installPath('native', 'build', 'Release', 'netctl_native.node');

/** Everything the addon exports; the rest of netctl sees it through the narrower views below. */
interface Addon extends NetnsOps, MountOps {
  tryLockFd(fd: number): boolean;
  peerCred(fd: number): { pid: number; uid: number; gid: number };
  nftGenId(): number;
  nftDeleteRules(gen: number, edits: readonly ChainEdit[]): string | null;
  ctFlushReplySrc(ip: string): Promise<number>;
  netnsSocket(path: string, kind: 'udp' | 'tcp', ip: string, port: number): number;
  journalSend(path: string, payload: Buffer): number;
  ttyOpost(fd: number, on: boolean): boolean;
  spawnAsync(
    argv: readonly string[],
    env: readonly string[],
    cwd: string,
    input: string | Buffer,
    timeoutMs: number,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
}

let loaded: Addon | undefined;

function addon(): Addon {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)(ADDON_PATH) as Addon;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ENOENT';
    throw new SystemError(`load native addon "${ADDON_PATH}": ${missing ? 'not built' : (err as Error).message}`, {
      hint: 'run "node native/build.mjs" (or "npm run build") to build it',
      cause: err,
    });
  }
  return loaded;
}

/** Whether the addon loads (false where it is not built). */
export function addonLoads(): boolean {
  try {
    addon();
    return true;
  } catch {
    return false;
  }
}

/** The addon, loaded on first call; throws a SystemError with a hint when it is not built. */
export function native(): NetnsOps {
  return addon();
}

/** The addon's mount calls (mount(2) and umount2(2)); errors carry `code` (e.g. EBUSY). */
export interface MountOps {
  /** `mount -t fstype -o data source target`, without a process. */
  mountFs(fstype: string, source: string, target: string, data: string): void;
  /** umount2(target), with MNT_DETACH when `lazy`. */
  unmount(target: string, lazy: boolean): void;
}

/** The mount calls of the addon. */
export function mounts(): MountOps {
  return addon();
}

/**
 * Deletes the conntrack entries of the process's namespace whose replies come from `ip`,
 * over a netlink socket kept open, on a worker thread (see native/src/ctflush.cc); resolves
 * to how many. Rejects where ctnetlink is unavailable.
 */
export function ctFlushReplySrc(ip: string): Promise<number> {
  return addon().ctFlushReplySrc(ip);
}

/**
 * A non-blocking socket bound (TCP: listening) to `ip`:`port` inside the network namespace at
 * `path`, made by a short-lived thread of the addon's (native/src/nssock.cc); returns its fd,
 * for node's dgram `bind({ fd })` or net `listen({ fd })`. The socket stays in that namespace.
 */
export function netnsSocket(path: string, kind: 'udp' | 'tcp', ip: string, port: number): number {
  return addon().netnsSocket(path, kind, ip, port);
}

/**
 * Sends one datagram, `payload` in journald's native format, to the unix socket at `path`
 * (native/src/journal.cc: node has no datagram unix socket); the errno, 0 when sent.
 */
export function journalSend(path: string, payload: Buffer): number {
  return addon().journalSend(path, payload);
}

/** SO_PEERCRED of a connected unix socket: who connected (sys/peer-cred.ts). */
export function socketPeer(fd: number): { pid: number; uid: number; gid: number } {
  return addon().peerCred(fd);
}

/** Closes an fd the addon returned. */
export function closeFd(fd: number): void {
  addon().closeFd(fd);
}

/** The nf_tables generation id of the calling thread's namespace (see nft-gen.ts). */
export function nftGenId(): number {
  return addon().nftGenId();
}

/**
 * Deletes rules of iptables-nft's tables by position in one nf_tables transaction that the
 * kernel refuses unless the ruleset is still at generation `gen` (native/src/nftrules.cc),
 * in the calling thread's namespace. Returns null when done, or why nothing was changed:
 * the chains did not list as `edits` say, or the generation moved.
 */
export function nftDeleteRules(gen: number, edits: readonly ChainEdit[]): string | null {
  return addon().nftDeleteRules(gen, edits);
}

/**
 * Runs a program to completion with posix_spawn on a worker thread (native/src/spawn.cc):
 * no fork of this process, whose page tables grow with it, and no wait on the JS thread.
 * `env` holds "NAME=value" strings. Resolves with code 128 when a signal (the timeout's
 * SIGKILL) ended it; rejects when it could not start (`errno` ENOENT: no such program).
 */
export function spawnAsync(
  argv: readonly string[],
  env: readonly string[],
  cwd: string,
  input: string | Buffer,
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return addon().spawnAsync(argv, env, cwd, input, timeoutMs);
}

/** Runs `fn` with an fd of the namespace at `path`, closing the fd afterwards. */
export async function withNetnsFd<T>(ops: NetnsOps, path: string, fn: (fd: number) => Promise<T>): Promise<T> {
  let fd: number;
  try {
    fd = ops.netnsFd(path);
  } catch (err) {
    throw wrap('open netns', path, err);
  }
  try {
    return await fn(fd);
  } finally {
    ops.closeFd(fd);
  }
}

/**
 * Takes a POSIX write lock (fcntl F_SETLK, what Python's fcntl.lockf takes) on the whole file
 * behind `fd`: true when taken, false when another process holds it.
 */
export function tryLockFd(fd: number): boolean {
  return addon().tryLockFd(fd);
}

/**
 * Sets the output processing (OPOST) of the terminal at `fd` and returns whether it was set
 * (native/src/tty.cc). Throws (code ENOTTY) when `fd` is not a terminal.
 */
export function ttyOpost(fd: number, on: boolean): boolean {
  return addon().ttyOpost(fd, on);
}
