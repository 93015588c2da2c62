/**
 * Running other programs: always an argv array, never a shell string, always a timeout.
 */
import { SystemError } from '../errors.js';
import { lazyBuiltin } from './lazy-builtin.js';
import { logger } from './log.js';

// Loaded on first use: node:child_process brings net, dgram and dns along (~1.3 ms), and the
// fast paths run programs with the native addon (exec-native.ts), most commands never with it.
const cp = lazyBuiltin<typeof import('node:child_process')>('node:child_process');

/** What a finished program returned. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for running a program. */
export interface ExecOptions {
  /** Text written to the program's standard input. */
  input?: string | Buffer;
  /** Milliseconds before the program is killed (default 30 s). */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The side-effect interface for running programs; tests pass a recording fake. */
export interface Runner {
  run(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
}

function check(argv: readonly string[]): void {
  if (argv.length === 0 || !argv[0]) throw new SystemError('exec: empty argv');
}

/** Runs a program to completion and returns its exit code and output; never throws on a non-zero exit. */
export function run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  check(argv);
  logger().debug('run', { argv: argv.join(' ') });
  return new Promise((resolve, reject) => {
    const child = cp().spawn(argv[0]!, argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new SystemError(`run "${argv[0]}": ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Synchronous twin of {@link run}, for the few places that cannot be async. */
export function runSync(argv: readonly string[], opts: ExecOptions = {}): ExecResult {
  check(argv);
  const r = cp().spawnSync(argv[0]!, argv.slice(1), {
    input: opts.input ?? '',
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
    cwd: opts.cwd,
    timeout: opts.timeoutMs ?? 30_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new SystemError(`run "${argv[0]}": ${r.error.message}`, { cause: r.error });
  return { code: r.status ?? 128, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** Runs a program and throws a SystemError quoting its stderr when it exits non-zero. */
export async function runChecked(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await run(argv, opts);
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${r.code}`;
    throw new SystemError(`${argv[0]} failed: ${why}`);
  }
  return r;
}

/** The real runner. */
export const realRunner: Runner = { run };
