/**
 * An exec whose output is read line by line rather than shown on this terminal: compose's
 * lifecycle hooks print each line under the container's name and keep the last ones for
 * the error when the hook fails.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SystemError } from '../errors.js';
import { execArgv, type ExecOptions } from './launch.js';

/** Runs ARGV in the container whose init is PID, passing each output line on; returns its exit code. */
export function execCaptured(
  pid: number,
  argv: readonly string[],
  o: ExecOptions,
  onLine: (line: string, stream: 'stdout' | 'stderr') => void,
): Promise<number> {
  const [bin, ...args] = execArgv(pid, argv, { ...o, tty: false, interactive: false });
  const child = spawn(bin!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = (['stdout', 'stderr'] as const).map(
    (s) =>
      new Promise<void>((resolve) => {
        const rl = createInterface({ input: child[s]! });
        rl.on('line', (l) => onLine(l, s));
        rl.on('close', resolve);
      }),
  );
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new SystemError(`cannot run the launcher: ${e.message}`)));
    child.on('exit', (code, signal) => {
      void Promise.all(closed).then(() => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
    });
  });
}
