/**
 * PID 1 of a sandbox (see sandbox.ts). Runs inside fresh network, mount and PID namespaces:
 * makes the mounts private copies, builds the client hosts, then runs the command (or serves
 * the test harness's JSON-lines agent protocol) and exits with its status, which ends every
 * process left in the namespace.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { runSync, run } from './exec.js';
import { clientHosts, type ClientHost, type SandboxOptions } from './sandbox.js';
import { removeSandboxCgroups, restoreCgroups, sandboxCgroupParent, saveCgroups } from './sandbox-cgroup.js';

const SCRATCH = '/run/netctl-sandbox';

function must(argv: string[]): void {
  const r = runSync(argv, { timeoutMs: 15_000 });
  if (r.code !== 0) throw new Error(`sandbox setup: ${argv.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
}

// Bind-mounts a private copy of a file or directory over the original, so that ufw can be
// enabled in here while the machine's own files stay untouched.
function privateCopy(path: string, copy: string): void {
  if (!existsSync(path)) return;
  cpSync(path, copy, { recursive: true, preserveTimestamps: true });
  must(['mount', '--bind', copy, path]);
}

function setupMounts(): void {
  // The machine's view of these must never change: everything below is on private mounts.
  must(['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', '/run']);
  mkdirSync('/var/lib/netctl', { recursive: true });
  must(['mount', '-t', 'tmpfs', '-o', 'mode=0700', 'tmpfs', '/var/lib/netctl']);
  const cgroups = saveCgroups(must, `${SCRATCH}-cgroup`);
  must(['mount', '-t', 'sysfs', 'sysfs', '/sys']);
  if (cgroups) restoreCgroups(must, `${SCRATCH}-cgroup`);
  mkdirSync(SCRATCH, { recursive: true });
  privateCopy('/etc/ufw', `${SCRATCH}/etc-ufw`);
  if (existsSync('/etc/default/ufw')) {
    copyFileSync('/etc/default/ufw', `${SCRATCH}/default-ufw`);
    must(['mount', '--bind', `${SCRATCH}/default-ufw`, '/etc/default/ufw']);
  }
  mkdirSync('/run/lock', { recursive: true });
}

function setupClient(h: ClientHost): void {
  const clientIp = h.clientCidr.split('/')[0]!;
  must(['ip', 'netns', 'add', h.name]);
  must(['ip', 'link', 'add', h.hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.name]);
  must(['ip', 'addr', 'add', h.hostCidr, 'dev', h.hostIf]);
  must(['ip', 'link', 'set', h.hostIf, 'up']);
  must(['ip', '-n', h.name, 'link', 'set', 'lo', 'up']);
  must(['ip', '-n', h.name, 'addr', 'add', h.clientCidr, 'dev', 'eth0']);
  must(['ip', '-n', h.name, 'link', 'set', 'eth0', 'up']);
  if (h.defaultRoute) must(['ip', 'route', 'add', 'default', 'via', clientIp]);
}

function setupNetwork(opts: SandboxOptions): void {
  must(['ip', 'link', 'set', 'lo', 'up']);
  for (const h of clientHosts(opts)) setupClient(h);
  writeFileSync(`${SCRATCH}/clients.json`, JSON.stringify(clientHosts(opts)));
}

interface AgentRequest {
  id: number;
  argv: string[];
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Start in the background and answer with its pid at once. */
  background?: boolean;
}

function serveAgent(): Promise<number> {
  const rl = createInterface({ input: process.stdin });
  const reply = (o: object): void => {
    process.stdout.write(`${JSON.stringify(o)}\n`);
  };
  rl.on('line', (line) => {
    let req: AgentRequest;
    try {
      req = JSON.parse(line) as AgentRequest;
    } catch {
      return;
    }
    if (req.background) {
      const child = spawn(req.argv[0]!, req.argv.slice(1), { stdio: 'ignore', env: { ...process.env, ...req.env } });
      child.on('error', (e) => reply({ id: req.id, code: 127, stdout: '', stderr: e.message }));
      if (child.pid) reply({ id: req.id, code: 0, pid: child.pid, stdout: '', stderr: '' });
      return;
    }
    run(req.argv, { input: req.input, timeoutMs: req.timeoutMs ?? 60_000, env: req.env }).then(
      (r) => reply({ id: req.id, ...r }),
      (e: Error) => reply({ id: req.id, code: 127, stdout: '', stderr: e.message }),
    );
  });
  reply({ id: 0, ready: true });
  return new Promise((resolve) => rl.on('close', () => resolve(0)));
}

function runCommand(argv: string[]): Promise<number> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit' });
  // PID 1 gets no default signal handlers: pass the usual ones on.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`netctl sandbox: ${argv[0]}: ${e.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
  });
}

async function main(): Promise<number> {
  const [optsJson, ...command] = process.argv.slice(2);
  const opts = JSON.parse(optsJson ?? '{}') as SandboxOptions;
  setupMounts();
  setupNetwork(opts);
  process.env.NETCTL_ROOT = '/var/lib/netctl';
  process.env.NETCTL_RUN_ROOT = '/run/netctl';
  process.env.NETCTL_SANDBOX = '1';
  const parent = sandboxCgroupParent();
  try {
    if (command[0] === '--agent') return await serveAgent();
    return await runCommand(command.length > 0 ? command : [process.env.SHELL ?? '/bin/sh']);
  } finally {
    await removeSandboxCgroups(parent);
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`netctl sandbox: ${err.message}\n`);
    process.exit(125);
  },
);
