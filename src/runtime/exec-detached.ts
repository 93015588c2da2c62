/** `exec -d`: the launcher's exec mode in the background, its output discarded as Docker's is. */
import { spawn } from 'node:child_process';
import { SystemError } from '../errors.js';
import { execArgv, type ExecOptions } from './launch.js';

/** Starts ARGV in the container whose init is PID and returns 0 once it is running (127 and up when it fails to). */
export function execDetached(pid: number, argv: readonly string[], o: ExecOptions = {}): Promise<number> {
  const [bin, ...args] = execArgv(pid, argv, { ...o, tty: false, interactive: false });
  const child = spawn(bin!, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new SystemError(`cannot run the launcher: ${e.message}`)));
    // A command that cannot be found fails at once; one that runs is left to run.
    const timer = setTimeout(() => {
      child.stderr!.destroy();
      child.unref();
      resolve(0);
    }, 300);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== null && code >= 125)
        reject(new SystemError(err.trim().replace(/^netctl-launcher: /, '') || `exec failed (${code})`));
      else resolve(0);
    });
  });
}
