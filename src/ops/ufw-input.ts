/**
 * The mirror of ufw's incoming rules for published ports (firewall/ufw/input-mirror.ts): one
 * pass that brings it in line, for `ufw sync`, `docker sync`, the Docker watch and doctor.
 * It holds no lock: it reads and writes only chains of ufw's blocks, never the database.
 */
import { watch } from 'node:fs';
import { nftGeneration } from '../sys/nft-gen.js';
import { mirrorMessage, syncInputMirror, type MirrorChange } from '../firewall/ufw/input-sync.js';
import { bridgesMessage, syncDockerBridges, type BridgesChange } from '../docker/nft-sync.js';
import type { Host } from './host.js';
import type { LogSink } from '../sys/log.js';

export type { MirrorChange } from '../firewall/ufw/input-sync.js';
export { mirrorMessage } from '../firewall/ufw/input-sync.js';

/** Brings the mirror chains in line (`dryRun`: says what would change); one line each, errors last. */
export async function syncIncoming(host: Host, opts: { dryRun?: boolean } = {}): Promise<string[]> {
  const check = opts.dryRun === true;
  const { changes, errors } = await syncInputMirror(host.ufw, { check });
  const bridges = await syncDockerBridges(host.ufw, { check });
  return [
    ...changes.map((c) => mirrorMessage(c, check)),
    ...bridges.changes.map((c) => bridgesMessage(c, check)),
    ...skippedLines(changes),
    ...errors.map((e) => `cannot mirror ufw's incoming rules: ${e}`),
    ...bridges.errors.map((e) => `cannot follow Docker's nftables bridges: ${e}`),
  ];
}

/** What the mirror left out, once per rule (both blocks mirror the same chain). */
function skippedLines(changes: readonly MirrorChange[]): string[] {
  const seen = new Set(changes.flatMap((c) => c.skipped.map((s) => `IPv${c.family} ${s}`)));
  return [...seen].map((s) => `note: ufw rule not mirrored for published ports (cannot be read for them): ${s}`);
}

/** The mirror chains that are behind ufw's incoming rules, for doctor. */
export async function incomingDrift(host: Host): Promise<MirrorChange[]> {
  return (await syncInputMirror(host.ufw, { check: true })).changes;
}

/** The bridges chains behind Docker's nftables table, for doctor. */
export async function bridgesDrift(host: Host): Promise<BridgesChange[]> {
  return (await syncDockerBridges(host.ufw, { check: true })).changes;
}

/** What makes {@link followIncoming} look again, for tests. */
export interface FollowOptions {
  /** How often the ruleset's generation is compared (ms); a moved one means a reload may have emptied the mirror. */
  pollMs?: number;
  /** Called after each pass with its lines. */
  onPass?: (lines: string[]) => void;
}

/**
 * Keeps the mirror current until `signal` aborts: a pass at start, one when ufw's user rules
 * files change (inotify on ufw's directory: `ufw deny`, fail2ban), and one when the
 * nf_tables generation moved since the last pass (a `ufw reload` empties the mirror chains
 * without touching a file); where iptables is the legacy flavour there is no generation,
 * and every poll is a pass. Passes never overlap; each logs what it changed.
 */
export async function followIncoming(
  host: Host,
  log: LogSink,
  signal: AbortSignal,
  opts: FollowOptions = {},
): Promise<void> {
  let gen: number | null | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const pass = async (): Promise<void> => {
    do {
      again = false;
      // Read before the rules: a change made while they are read moves it, and the next poll
      // sees that (our own restore moves it too, costing one more pass that finds nothing).
      gen = nftGeneration();
      const lines = await syncIncoming(host).catch((err: Error) => [
        `cannot mirror ufw's incoming rules: ${err.message}`,
      ]);
      for (const l of lines) log(l);
      opts.onPass?.(lines);
    } while (again && !signal.aborted);
  };
  const kick = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = pass().finally(() => {
      running = undefined;
    });
  };
  const watcher = watch(host.ufw.etc, { signal }, (_e, file) => {
    if (file === 'user.rules' || file === 'user6.rules') kick();
  });
  watcher.on('error', () => undefined);
  const timer = setInterval(() => {
    const now = nftGeneration();
    if (now === null || now !== gen) kick();
  }, opts.pollMs ?? 2000);
  kick();
  try {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    clearInterval(timer);
    await running;
  }
}
