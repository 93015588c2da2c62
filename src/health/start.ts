/**
 * Starting the health runner on demand, as the DNS server starts: a detached
 * `netctl health serve` with its output appended to RUN_ROOT/health/health.log. It outlives
 * the command that started it; two commands racing may both spawn one: the second finds
 * the pid file claimed and exits.
 */
import { startDetached } from '../sys/detached.js';
import { healthFiles, runnerPid } from './files.js';

/** Starts `netctl health serve` detached unless one runs; resolves once it runs. */
export async function ensureRunner(root: string, runRoot: string): Promise<{ started: boolean }> {
  if (runnerPid(runRoot) !== undefined) return { started: false };
  await startDetached({
    root,
    runRoot,
    argv: ['health', 'serve'],
    log: healthFiles(runRoot).log,
    ready: () => runnerPid(runRoot) !== undefined,
    what: 'the health runner',
    verb: 'start',
  });
  return { started: true };
}
