/**
 * The runner over the native addon's posix_spawn (sys/native.ts spawnAsync): what
 * {@link run} does, for the programs a command runs on its fast path (iptables-restore and
 * iptables-save). Node's spawn forks this process, copying its page tables first (~1 ms more
 * at netctl's ~100 MB than for a bare node, on the JS thread); posix_spawn does not.
 */
import { SystemError } from '../errors.js';
import { run, type ExecOptions, type ExecResult, type Runner } from './exec.js';
import { addonLoads, spawnAsync } from './native.js';

let loads: boolean | undefined;

function environment(extra: NodeJS.ProcessEnv | undefined): string[] {
  const env = extra ? { ...process.env, ...extra } : process.env;
  return Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`);
}

/**
 * Runs a program to completion; never throws on a non-zero exit, as {@link run}, which it
 * falls back to where the addon is not built.
 */
export async function runNative(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  if (argv.length === 0 || !argv[0]) throw new SystemError('exec: empty argv');
  loads ??= addonLoads();
  if (!loads) return run(argv, opts);
  try {
    return await spawnAsync(argv, environment(opts.env), opts.cwd ?? '', opts.input ?? '', opts.timeoutMs ?? 30_000);
  } catch (err) {
    throw new SystemError(`run "${argv[0]}": ${(err as Error).message}`, { cause: err });
  }
}

/** The native runner. */
export const nativeRunner: Runner = { run: runNative };
