/**
 * The verbs the crash tests stop half-way (killed, or failed by an injected step failure):
 * each with what it needs first, the command itself, and the ordinary commands that take
 * away whatever it and its setup made, so that a snapshot of the host taken before the
 * setup is expected again at the end. Shared by crash-kill.test.ts and crash-rollback.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NETCTL, Sandbox } from '../../harness/sandbox.js';
import type { ExecResult } from '../../../src/sys/exec.js';
import { PLUGIN, attachEnv } from './cni.js';
import { kernelState, netctlOk } from './net.js';

/** One verb under test. */
export interface CrashCase {
  verb: string;
  /** Ordinary commands run before it (they must succeed). */
  setup: string[][];
  /** The command stopped half-way, as argv (run with the test hook's environment). */
  run: string[];
  /** Its standard input, if any (a CNI configuration). */
  input?: string;
  /**
   * Whether the command is one transaction (compose's are one per action: a failure leaves
   * the actions before it done, each whole).
   */
  atomic?: boolean;
  /** Ordinary commands that take everything away again (their failures are fine: the thing may not exist). */
  cleanup: string[][];
}

const N = [process.execPath, NETCTL];
const netctl = (...args: string[]): string[] => [...N, ...args];
const sleeper = (name: string, ...more: string[]): string[] =>
  netctl('run', '-d', '--name', name, ...more, 'busybox', 'sleep', '1000');

/** The CNI configuration of the crash tests: its network made by the first ADD. */
export const CNI_CONF = JSON.stringify({ cniVersion: '1.0.0', name: 'pods', type: 'netctl', subnet: '10.94.0.0/24' });
const plugin = (command: string): string[] => [
  'env',
  ...Object.entries({ ...attachEnv(command, 'ctr-crash', '/run/netns/pod', { CNI_ARGS: 'K8S_POD_NAME=p1' }) }).map(
    ([k, v]) => `${k}=${v}`,
  ),
  'CNI_PATH=/usr/lib/cni',
  process.execPath,
  PLUGIN,
];

/** `netctl compose` in `dir`. */
export const compose = (dir: string, ...args: string[]): string[] => [
  'sh',
  '-c',
  'cd "$1" && shift && exec "$@"',
  'sh',
  dir,
  ...N,
  'compose',
  ...args,
];

/** The compose project the tests bring up and down (`dir`/compose.yaml, written by the caller). */
export const COMPOSE_FILE = `name: crash
services:
  a:
    image: busybox
    command: sleep 1000
    ports: ["8090:80"]
    networks: [inner]
  b:
    image: busybox
    command: sleep 1000
    networks: [inner]
networks:
  inner:
    ipam:
      config: [{ subnet: 10.95.0.0/24 }]
`;

/** Every verb of the issue, with its setup and clean-up. */
export function crashCases(composeDir: string): CrashCase[] {
  const rmNet = (n: string): string[] => netctl('network', 'rm', n);
  const rmC = (c: string): string[] => netctl('rm', '-f', c);
  return [
    {
      verb: 'network create',
      setup: [],
      run: netctl('network', 'create', '--subnet', '10.96.0.0/24', 'n1'),
      cleanup: [rmNet('n1')],
    },
    { verb: 'network rm', setup: [netctl('network', 'create', 'n2')], run: rmNet('n2'), cleanup: [rmNet('n2')] },
    { verb: 'run', setup: [], run: sleeper('c1', '--network', 'crash', '-p', '8081:80'), cleanup: [rmC('c1')] },
    { verb: 'rm', setup: [sleeper('c2', '--network', 'crash', '-p', '8082:80')], run: rmC('c2'), cleanup: [rmC('c2')] },
    {
      verb: 'connect',
      setup: [netctl('network', 'create', 'n3'), sleeper('c3', '--network', 'crash')],
      run: netctl('network', 'connect', 'n3', 'c3'),
      cleanup: [rmC('c3'), rmNet('n3')],
    },
    {
      verb: 'allow',
      setup: [sleeper('c4', '--network', 'crash', '-p', '8084:80')],
      run: netctl('allow', 'c4', '80'),
      cleanup: [rmC('c4')],
    },
    {
      verb: 'compose up',
      setup: [],
      run: compose(composeDir, 'up', '-d'),
      cleanup: [compose(composeDir, 'down')],
      atomic: false,
    },
    {
      verb: 'compose down',
      setup: [compose(composeDir, 'up', '-d')],
      run: compose(composeDir, 'down'),
      cleanup: [compose(composeDir, 'down')],
      atomic: false,
    },
    { verb: 'CNI ADD', setup: [], run: plugin('ADD'), input: CNI_CONF, cleanup: [plugin('DEL'), rmNet('pods')] },
    {
      verb: 'CNI DEL',
      setup: [plugin('ADD')],
      run: plugin('DEL'),
      input: CNI_CONF,
      cleanup: [plugin('DEL'), rmNet('pods')],
    },
  ];
}

/** Runs a case's argv with `env` added. */
export function runCase(
  sb: Sandbox,
  _c: CrashCase,
  argv: string[],
  env: Record<string, string> = {},
): Promise<ExecResult> {
  const needsConf = argv.includes(PLUGIN);
  return sb.exec(argv, { env, timeoutMs: 90_000, ...(needsConf ? { input: CNI_CONF } : {}) });
}

/** Runs setup commands, throwing on the first failure. */
export async function runAll(sb: Sandbox, c: CrashCase, list: string[][], mustPass: boolean): Promise<void> {
  for (const argv of list) {
    const r = await runCase(sb, c, argv);
    if (mustPass && r.code !== 0) throw new Error(`${argv.slice(2).join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  }
}

/**
 * The host as the tests compare it: links, global addresses, every route, the iptables
 * rules of both families, ufw's rule files, netctl's namespaces and container directories.
 */
export async function hostSnapshot(sb: Sandbox): Promise<string> {
  const more = await sb.sh([
    'sh',
    '-c',
    'ip -4 -o route show table all; ip -6 -o route show table all | grep -v "fe80\\|^local\\|^multicast"; ' +
      'cat /etc/ufw/user.rules /etc/ufw/user6.rules /etc/ufw/after.rules /etc/ufw/after6.rules 2>/dev/null; ' +
      'find /run/netctl/netns /run/netctl/containers /var/lib/netctl/containers -mindepth 1 -maxdepth 1 2>/dev/null; true',
  ]);
  // Carrier (linkdown) follows a veth's peer asynchronously; it is not netctl's state.
  return `${await kernelState(sb)}\n--\n${more.replaceAll(' linkdown', '')}`;
}

/** A seeded generator of numbers in [0, 1) (mulberry32): the same seed, the same kills. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many steps `c` runs: it is run once with the step log on, then cleaned up. */
export async function countSteps(sb: Sandbox, c: CrashCase): Promise<number> {
  await runAll(sb, c, c.setup, true);
  const r = await runCase(sb, c, c.run, { NETCTL_TEST_STEP_LOG: '1' });
  if (r.code !== 0) throw new Error(`${c.verb} exited ${r.code}: ${r.stderr.trim()}`);
  await runAll(sb, c, c.cleanup, false);
  return r.stderr.split('\n').filter((l) => l.startsWith('netctl-step ')).length;
}

const MAKE_IMAGES = fileURLToPath(new URL('../scripts/make-images.sh', import.meta.url));

/**
 * The crash tests' sandbox: the compose project in BASE/proj, busybox imported, the `crash`
 * network, ufw enabled with netctl's block, and the `pod` netns the CNI cases attach.
 */
export async function startCrashSandbox(base: string): Promise<Sandbox> {
  mkdirSync(`${base}/proj`, { recursive: true });
  writeFileSync(`${base}/proj/compose.yaml`, COMPOSE_FILE);
  const sb = await Sandbox.start();
  await sb.sh(['sh', MAKE_IMAGES, `${base}/img`]);
  await netctlOk(sb, ['image', 'import', `${base}/img/busybox.tar`, 'busybox']);
  await netctlOk(sb, ['network', 'create', '--subnet', '10.97.0.0/24', 'crash']);
  await sb.sh(['ufw', '--force', 'enable'], { timeoutMs: 60_000 });
  await netctlOk(sb, ['ufw', 'install']);
  await sb.sh(['ip', 'netns', 'add', 'pod']);
  return sb;
}
