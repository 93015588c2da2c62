/**
 * `attach` and `start -a`: this terminal joined to a detached container's input and output
 * through its monitor's socket, until the container exits (its exit code is returned) or
 * the detach keys are typed (0, the container runs on).
 */
import type { Container } from '../model/container.js';
import { refuseCniRecord } from '../model/cni-record.js';
import { planStart } from '../engine/lifecycle.js';
import { type AttachEnd, type AttachIo, connectAttach, runAttach } from '../runtime/attach-client.js';
import { attachSocketPath } from '../runtime/launch.js';
import { containerPaths } from '../runtime/paths.js';
import { liveStatus, readState } from '../runtime/state.js';
import { ConflictError } from '../errors.js';
import type { Host } from './host.js';
import { transactPreview } from './tx.js';
import { refusePaused } from './container-control.js';
import { ensureHealthRunner } from './health.js';

export type { AttachIo } from '../runtime/attach-client.js';

/** How an attachment ended, and the container's exit code when it exited. */
export interface AttachResult {
  end: AttachEnd;
  exitCode: number;
}

/** Whether the container was created with a pty (`-t`). */
export function hasTty(c: Container): boolean {
  return Boolean((c.config.launch as { tty?: boolean } | undefined)?.tty);
}

async function exitCode(host: Host, c: Container): Promise<number> {
  const path = containerPaths(host.paths, c.id).state;
  // The monitor lets its clients go a moment before it writes the exit down.
  for (let i = 0; i < 250; i++) {
    const st = await readState(path);
    if (st && (liveStatus(st) === 'exited' || liveStatus(st) === 'dead')) return st.exitCode ?? 0;
    if (st?.status === 'restarting') return st.exitCode ?? 0;
    await new Promise((r) => setTimeout(r, 20));
  }
  return 0;
}

async function finish(host: Host, c: Container, end: AttachEnd): Promise<AttachResult> {
  return { end, exitCode: end === 'detached' ? 0 : await exitCode(host, c) };
}

/** Attaches to a running container. @throws ConflictError when it does not run, or is paused. */
export async function attachContainer(host: Host, ref: string, io: Omit<AttachIo, 'tty'>): Promise<AttachResult> {
  const c = host.store().containers.require(ref);
  refuseCniRecord(c, 'attach to');
  const p = containerPaths(host.paths, c.id);
  const st = await readState(p.state);
  if (!st || liveStatus(st) !== 'running') throw new ConflictError(`container "${c.name}" is not running`);
  await refusePaused(host, c);
  const s = await connectAttach(attachSocketPath(p.runDir), 2000);
  return finish(host, c, await runAttach(s, { ...io, tty: hasTty(c) }));
}

/**
 * `start -a`: starts a stopped container with its monitor waiting for this client, so no
 * output is missed; attaches to it when it runs already.
 */
export async function startAttached(host: Host, ref: string, io: Omit<AttachIo, 'tty'>): Promise<AttachResult> {
  const c = host.store().containers.require(ref);
  const sock = attachSocketPath(containerPaths(host.paths, c.id).runDir);
  let conn: ReturnType<typeof connectAttach> | undefined;
  const onSpawned = (): void => {
    conn = connectAttach(sock);
    conn.catch(() => undefined);
  };
  const r = await transactPreview(host, {}, (engine) => planStart(engine, ref, { onSpawned }));
  if (!r.result.started) return attachContainer(host, ref, io);
  await ensureHealthRunner(host, [c.id]);
  const s = await (conn ?? connectAttach(sock, 2000));
  return finish(host, c, await runAttach(s, { ...io, tty: hasTty(c) }));
}
