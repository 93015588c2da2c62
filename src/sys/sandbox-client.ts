/**
 * A sandbox (sandbox.ts) driven through its JSON-lines agent, so that one caller can run many
 * commands inside the same throwaway host: the demo and the integration-test harness.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI_PATH } from './install-root.js';
import { sandboxArgv, type SandboxOptions } from './sandbox.js';
import type { ExecResult } from './exec.js';

/** The built CLI (tests import this module from src/; the CLI always runs as built). */
export const NETCTL = CLI_PATH;

interface Pending {
  resolve: (r: ExecResult & { pid?: number }) => void;
  reject: (e: Error) => void;
}

/** Options of one command run inside the sandbox. */
export interface SbExecOptions {
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** A running sandbox. */
export class Sandbox {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private exited = false;

  private constructor(
    private child: ChildProcessWithoutNullStreams,
    private stderr: string[],
  ) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as ExecResult & { id: number; pid?: number };
      this.pending.get(msg.id)?.resolve(msg);
      this.pending.delete(msg.id);
    });
    child.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`sandbox exited: ${this.stderr.join('')}`));
      this.pending.clear();
    });
  }

  /** Starts a sandbox and waits until its agent is ready. */
  static async start(opts: SandboxOptions = {}): Promise<Sandbox> {
    const argv = sandboxArgv(opts, ['--agent']);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
    const sb = new Sandbox(child, stderr);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('sandbox did not start within 20 s')), 20_000);
      sb.pending.set(0, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
    return sb;
  }

  private request(body: object): Promise<ExecResult & { pid?: number }> {
    if (this.exited) return Promise.reject(new Error('sandbox has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
    });
  }

  /** Runs argv inside the sandbox host and returns its result (never throws on non-zero). */
  exec(argv: string[], opts: SbExecOptions = {}): Promise<ExecResult> {
    return this.request({ argv, ...opts });
  }

  /** Runs argv and throws with its stderr when it fails. */
  async sh(argv: string[], opts: SbExecOptions = {}): Promise<string> {
    const r = await this.exec(argv, opts);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Runs argv inside a client host (wan, wan2, lan). */
  execIn(host: string, argv: string[], opts: SbExecOptions = {}): Promise<ExecResult> {
    return this.exec(['ip', 'netns', 'exec', host, ...argv], opts);
  }

  /** Runs the compiled netctl CLI inside the sandbox. */
  netctl(args: string[], opts: SbExecOptions = {}): Promise<ExecResult> {
    return this.exec([process.execPath, NETCTL, ...args], opts);
  }

  /** Starts argv in the background (a server); it dies with the sandbox. Returns its pid. */
  async background(argv: string[], env?: Record<string, string>): Promise<number> {
    const r = await this.request({ argv, background: true, env });
    if (!r.pid) throw new Error(`cannot start ${argv.join(' ')}: ${r.stderr}`);
    return r.pid;
  }

  /** Ends the sandbox and everything in it. */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.on('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  }
}
