/**
 * Test hooks, read from the environment once per process and off unless set: they let the
 * kill and failure-injection tests stop a command at a chosen step (model/steps.ts).
 *
 * - `NETCTL_TEST_KILL_STEP=K` SIGKILLs the process as its K-th step (1-based, nested steps
 *   counted) is about to apply; `K:MS` lets the step start and kills MS ms later, so the
 *   kill lands inside it (a netlink dump, an iptables-restore child).
 * - `NETCTL_TEST_FAIL_STEP=K` makes the K-th step fail, so its command rolls back.
 * - `NETCTL_TEST_STEP_LOG=1` prints each step to stderr as `netctl-step K: DESCRIBE`.
 */
import { setStepHook, type Step } from '../model/steps.js';
import { SystemError } from '../errors.js';

function parse(v: string | undefined): { at: number; delayMs?: number } | undefined {
  const m = v === undefined ? null : /^(\d+)(?::(\d+))?$/.exec(v);
  if (!m) return undefined;
  return m[2] === undefined ? { at: Number(m[1]) } : { at: Number(m[1]), delayMs: Number(m[2]) };
}

let installed = false;

/** Installs the step hook the environment asks for (once; nothing when none is set). */
export function installTestHooks(env: NodeJS.ProcessEnv = process.env): void {
  if (installed) return;
  installed = true;
  const kill = parse(env.NETCTL_TEST_KILL_STEP);
  const fail = parse(env.NETCTL_TEST_FAIL_STEP);
  const log = env.NETCTL_TEST_STEP_LOG === '1';
  if (!kill && !fail && !log) return;
  let n = 0;
  setStepHook((step: Step) => {
    n += 1;
    if (log) process.stderr.write(`netctl-step ${n}: ${step.describe}\n`);
    if (kill?.at === n) {
      if (kill.delayMs === undefined) process.kill(process.pid, 'SIGKILL');
      else setTimeout(() => process.kill(process.pid, 'SIGKILL'), kill.delayMs);
    }
    if (fail?.at === n) throw new SystemError(`injected failure at step ${n} (${step.describe})`);
  });
}
