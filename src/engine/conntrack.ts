/**
 * Forgetting a removed container's connections: conntrack entries whose replies came from
 * its addresses. Without this a UDP client that keeps sending to a published port stays
 * pinned to the old container's address (its entry never expires while packets flow), and
 * the next container published on that port never sees it. Best effort: without the
 * conntrack tool, or with nothing to delete, the step does nothing.
 */
import { realRunner, type Runner } from '../sys/exec.js';
import { ctFlushReplySrc } from '../sys/native.js';
import type { Step } from '../model/steps.js';

/** The argv deleting every entry whose reply source is `ip`. */
export function conntrackArgv(ip: string): string[] {
  return ['conntrack', '-D', ...(ip.includes(':') ? ['-f', 'ipv6'] : []), '--reply-src', ip];
}

/**
 * One step flushing the entries of `addresses` (no undo: the connections are gone anyway):
 * through the native addon's ctnetlink socket (`flush`, off the event loop), else with the
 * conntrack tool.
 */
export function conntrackStep(
  addresses: readonly string[],
  runner: Runner = realRunner,
  flush: ((ip: string) => Promise<number>) | null = ctFlushReplySrc,
): Step {
  return {
    describe: `flush conntrack entries of ${addresses.join(', ')}`,
    apply: async () => {
      for (const ip of addresses) {
        try {
          if (flush) {
            await flush(ip);
            continue;
          }
        } catch {
          // no ctnetlink here (or no addon): the tool may still manage
        }
        // Exit 1 means "0 flow entries deleted"; a missing tool throws: both are fine here.
        await runner.run(conntrackArgv(ip), { timeoutMs: 5_000 }).catch(() => undefined);
      }
    },
  };
}

/** The argv deleting every entry of `proto` whose original destination port is `port`. */
export function conntrackPortArgv(proto: string, port: number, v6: boolean): string[] {
  return ['conntrack', '-D', ...(v6 ? ['-f', 'ipv6'] : []), '-p', proto, '--orig-port-dst', String(port)];
}

/**
 * One step flushing entries to newly published UDP and SCTP host ports: packets that kept
 * arriving while nothing was published there made entries to the host itself, and they
 * would keep those flows away from the new mapping (TCP always starts a new entry).
 */
export function conntrackPortsStep(
  ports: readonly { proto: string; hostPort: number; hostIp: string }[],
  runner: Runner = realRunner,
): Step {
  const todo = ports.filter((p) => p.proto !== 'tcp');
  return {
    describe: `flush conntrack entries of ${todo.map((p) => `${p.hostPort}/${p.proto}`).join(', ')}`,
    apply: async () => {
      for (const p of todo)
        await runner
          .run(conntrackPortArgv(p.proto, p.hostPort, p.hostIp.includes(':')), { timeoutMs: 5_000 })
          .catch(() => undefined);
    },
  };
}
