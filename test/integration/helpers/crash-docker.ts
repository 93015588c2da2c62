/**
 * The Docker watch's apply under the kill test: a real dockerd in the sandbox (Debian 12's
 * 20.10, docker-flavours.ts), a container `web` with an allow rule, and the watch killed
 * (NETCTL_TEST_KILL_STEP) while it rewrites the rules for a Docker event (`web` stopped, or
 * started again). What the watch wrote is ufw's user.rules and its live forward chain.
 */
import { NETCTL, type Sandbox } from '../../harness/sandbox.js';
import type { SandboxDocker } from './docker.js';

const LOG = '/run/watch-kill.log';
const N = [process.execPath, NETCTL];

/** A forward rule as `ADDRESS:PORT/PROTO` (ufw writes `-d 10.0.0.2`, iptables -S `-d 10.0.0.2/32`). */
function key(rule: string): string {
  const d = / -d (\S+?)(?:\/32)?(?: |$)/.exec(rule)?.[1] ?? '*';
  return `${d}:${/--dport (\d+)/.exec(rule)?.[1] ?? '*'}/${/ -p (\w+)/.exec(rule)?.[1] ?? '*'}`;
}

/** The `-A ufw-user-forward` rules in ufw's file, and in the running firewall, as keys. */
export async function forwardRules(sb: Sandbox): Promise<{ file: string[]; live: string[] }> {
  const text = await sb.sh(['cat', '/etc/ufw/user.rules']);
  const file = text
    .split('\n')
    .filter((l) => l.startsWith('-A ufw-user-forward '))
    .map(key);
  const live = (await sb.sh(['iptables', '-S', 'ufw-user-forward']))
    .split('\n')
    .filter((l) => l.startsWith('-A'))
    .map(key);
  return { file, live };
}

/** The watch's lines so far (the log is emptied at each start). */
async function log(sb: Sandbox): Promise<string[]> {
  return (await sb.sh(['cat', LOG])).split('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every 100 ms for `ms` at most; false when it never held. */
export async function poll(fn: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (await fn()) return true;
  return fn();
}

/** A running `netctl docker watch` with `env` (a test hook) added. */
export class Watch {
  private constructor(
    private readonly sb: Sandbox,
    readonly pid: number,
  ) {}

  static async start(sb: Sandbox, dk: SandboxDocker, env: Record<string, string> = {}): Promise<Watch> {
    await sb.sh(['sh', '-c', `: > ${LOG}`]);
    const pid = await sb.background(['sh', '-c', `exec ${N.join(' ')} docker watch >>${LOG} 2>&1`], {
      ...dk.env,
      ...env,
    });
    const w = new Watch(sb, pid);
    if (!(await poll(async () => (await log(sb)).some((l) => l.startsWith('watching Docker')), 30_000)))
      throw new Error(`the watch did not start: ${(await log(sb)).join('\n')}`);
    return w;
  }

  /** Whether the process still runs. */
  async alive(): Promise<boolean> {
    return (await this.sb.exec(['kill', '-0', String(this.pid)])).code === 0;
  }

  /** The steps it logged (NETCTL_TEST_STEP_LOG=1). */
  async steps(): Promise<number> {
    return (await log(this.sb)).filter((l) => l.startsWith('netctl-step ')).length;
  }

  /** Waits until a `rewrote` line is logged. */
  async rewrote(ms = 30_000): Promise<boolean> {
    return poll(async () => (await log(this.sb)).some((l) => l.startsWith('rewrote ')), ms);
  }

  /** SIGTERM, and waits (bounded) until it is gone. */
  async stop(): Promise<void> {
    await this.sb.exec(['kill', String(this.pid)]);
    if (!(await poll(async () => !(await this.alive()), 15_000))) throw new Error('the watch did not stop');
  }
}

/** Toggles `web`: stops it when it runs, starts it when it does not; returns whether it runs now. */
export async function toggle(dk: SandboxDocker): Promise<boolean> {
  const running = (await dk.docker('inspect', '-f', '{{.State.Running}}', 'web')).trim() === 'true';
  await dk.docker(running ? 'stop' : 'start', ...(running ? ['-t', '1'] : []), 'web');
  return !running;
}

/**
 * Steps of one event's apply, measured: a watch started on synced state logs its steps while
 * `web` is toggled; returns [steps before the event, steps after it] (the former is 0 when
 * the startup reconcile had nothing to do).
 */
export async function countEventSteps(sb: Sandbox, dk: SandboxDocker): Promise<[number, number]> {
  const w = await Watch.start(sb, dk, { NETCTL_TEST_STEP_LOG: '1' });
  // The startup reconcile of synced state: let its steps, if any, be logged before the event.
  await sleep(2000);
  const before = await w.steps();
  await toggle(dk);
  if (!(await w.rewrote())) throw new Error('the watch did not rewrite the rules for the event');
  let n = await w.steps();
  // Settled: no new step for a second (the ufw mirror may follow the file's change).
  for (let i = 0; i < 20; i++) {
    await sleep(1000);
    const m = await w.steps();
    if (m === n) break;
    n = m;
  }
  await w.stop();
  return [before, n];
}
