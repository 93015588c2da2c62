/**
 * `compose logs` and `up`'s following of its services: each container's output as it was
 * written, entry by entry, to print with the container's name in front. Reads only.
 */
import type { Container } from '../model/container.js';
import { entryText, followLogs, readLogs } from '../runtime/logs.js';
import { containerPaths } from '../runtime/paths.js';
import { liveStatus, readState } from '../runtime/state.js';
import type { Host } from './host.js';

/** One piece of a container's output: the text as it wrote it (with its newline, unless a piece of a line). */
export interface LogPiece {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** How {@link followContainerLogs} follows. */
export interface FollowLogsOptions {
  signal?: AbortSignal;
  /** End once every container has exited (up without -d). */
  untilExited?: boolean;
  tail?: number;
}

/** A container's output so far (the last `tail` entries). */
export async function containerLogs(host: Host, c: Container, tail?: number): Promise<LogPiece[]> {
  const entries = await readLogs(containerPaths(host.paths, c.id).log, tail === undefined ? {} : { tail });
  return entries.map((e) => ({ stream: e.s, text: entryText(e) }));
}

/** Follows every container's output until `signal` (or, with `untilExited`, until all have exited). */
export async function followContainerLogs(
  host: Host,
  containers: readonly Container[],
  opts: FollowLogsOptions,
  onPiece: (c: Container, piece: LogPiece) => void,
): Promise<void> {
  await Promise.all(
    containers.map((c) => {
      const p = containerPaths(host.paths, c.id);
      const done = async (): Promise<boolean> => {
        if (!opts.untilExited) return false;
        const st = await readState(p.state);
        return st !== null && ['exited', 'dead'].includes(liveStatus(st));
      };
      return followLogs(
        p.log,
        {
          done,
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
          intervalMs: 100,
        },
        (e) => onPiece(c, { stream: e.s, text: entryText(e) }),
      );
    }),
  );
}
