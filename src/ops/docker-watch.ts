/**
 * `netctl docker watch`: follows Docker's event stream and keeps the ufw route rules of
 * Docker's containers on their current addresses. At every (re)connection it reconciles
 * everything (a reboot, a lost event, a `ufw reload` while it was down); after that each
 * event re-reads only the container it names, and one sync rewrites only the rules that
 * changed (spliced into ufw's user rules, one iptables-restore per family that changed).
 * Events that arrive while a sync runs are taken together in the next one. Each sync is
 * planned and applied under the database's lock (ops/tx.ts).
 */
import type { DockerApi, DockerEvent } from '../docker/client.js';
import { inspectContainer, runningContainers } from '../docker/containers.js';
import { forwardJumpMessage, planForwardJump, type ForwardMove } from '../docker/forward-jump.js';
import type { DockerContainer } from '../docker/model.js';
import { eventContainer, eventMovesForward, eventsQuery } from '../docker/watch.js';
import type { Host } from './host.js';
import { planDockerRoutes } from './docker.js';
import { transact } from './tx.js';
import type { LogSink } from '../sys/log.js';

/** What the loop needs; `log` gets one line per change or problem. */
export interface WatchDeps {
  host: Host;
  api: DockerApi;
  log: LogSink;
  /** Called after each sync with the events it covered (for tests and the benchmark). */
  onSynced?: (events: number, changed: boolean) => void;
}

/** The watch loop's state: the running containers by id, and the ids waiting for a sync. */
export class DockerWatch {
  private readonly containers = new Map<string, DockerContainer>();
  private pending = new Set<string>();
  private full = false;
  private forward = false;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: WatchDeps) {}

  /** Re-reads every running container and syncs. */
  reconcileAll(): Promise<void> {
    this.full = true;
    return this.kick();
  }

  /** Queues one event. */
  onEvent(e: DockerEvent): void {
    if (eventMovesForward(e)) {
      this.forward = true;
      void this.kick();
      return;
    }
    const id = eventContainer(e);
    if (id === undefined) return;
    this.pending.add(id);
    void this.kick();
  }

  /** Resolves when every queued event is synced. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): Promise<void> {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    while (this.full || this.forward || this.pending.size > 0) {
      const ids = [...this.pending];
      const full = this.full;
      const forward = full || this.forward;
      this.pending = new Set();
      this.full = false;
      this.forward = false;
      try {
        await this.refresh(full, ids);
        await this.sync(full ? -1 : ids.length, forward);
      } catch (err) {
        this.deps.log(`sync failed: ${(err as Error).message}`, {}, 'error');
      }
    }
  }

  private async refresh(full: boolean, ids: string[]): Promise<void> {
    if (full) {
      this.containers.clear();
      for (const c of await runningContainers(this.deps.api)) this.containers.set(c.id, c);
      return;
    }
    for (const id of ids) {
      const c = await inspectContainer(this.deps.api, id);
      if (c?.running) this.containers.set(c.id, c);
      else this.containers.delete(id);
    }
  }

  private async sync(events: number, forward: boolean): Promise<void> {
    const { host, log } = this.deps;
    let moveFailed = false;
    const out = await transact(host, {}, async () => {
      const moves = forward ? await this.forwardMoves() : [];
      const planned = await planDockerRoutes(host, [...this.containers.values()], moves, (err) => {
        moveFailed = true;
        log(`cannot check FORWARD's jump to DOCKER-USER: ${err.message}`, {}, 'warn');
      });
      for (const e of planned.result.errors) log(e, {}, 'error');
      return planned;
    });
    const r = out.result!;
    if (r.moved.length > 0 && !moveFailed) log(forwardJumpMessage(r.moved), {}, 'warn');
    if (r.changed) log(`rewrote ${r.paths.join(' and ')}: ${r.rules} Docker rule(s)`, { rules: r.rules });
    this.deps.onSynced?.(events, r.changed);
  }

  /** The moves FORWARD's jump needs; a failure to read the rules is logged, not fatal. */
  private async forwardMoves(): Promise<ForwardMove[]> {
    try {
      return await planForwardJump(this.deps.host.ufw);
    } catch (err) {
      this.deps.log(`cannot check FORWARD's jump to DOCKER-USER: ${(err as Error).message}`, {}, 'warn');
      return [];
    }
  }
}

/**
 * Follows the event stream until `signal` aborts: reconnects (0.2 s, doubling to 5 s) when
 * Docker goes away, and reconciles everything at each connection.
 */
export async function watchDocker(deps: WatchDeps, signal: AbortSignal): Promise<void> {
  const w = new DockerWatch(deps);
  let delay = 200;
  let down = false;
  while (!signal.aborted) {
    try {
      await deps.api.events(
        eventsQuery(),
        (e) => w.onEvent(e),
        signal,
        () => {
          if (down) deps.log(`Docker is back at ${deps.api.socket}`);
          down = false;
          delay = 200;
          void w.reconcileAll();
        },
      );
      if (!signal.aborted && !down)
        deps.log(`Docker's event stream ended (${deps.api.socket}); reconnecting`, {}, 'warn');
    } catch (err) {
      if (!down) deps.log(`${(err as Error).message}; retrying`, {}, 'warn');
    }
    down = true;
    await w.idle();
    if (signal.aborted) break;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 5000);
  }
  await w.idle();
}
