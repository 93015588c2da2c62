/**
 * The container runtime against the real kernel, inside a sandbox: busybox images, the
 * overlay writable layer, and native/build/netctl-launcher starting, watching, restarting,
 * exec-ing into and stopping containers in a network namespace made with `ip netns add`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const driver = fileURLToPath(new URL('./scripts/runtime-driver.mjs', import.meta.url));
const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const NETNS = '/run/netns/ctr';
const launcher = fileURLToPath(new URL('../../native/build/netctl-launcher', import.meta.url));

interface State {
  status: string;
  pid: number;
  monitorPid: number;
  restartCount: number;
  exitCode: number | null;
  signal: number | null;
  error: string | null;
}
interface Launched {
  state: State;
  rootfs: { path: string; kind: string };
  image: { rootfs: string };
  error?: string;
  exitCode?: number;
}
interface LogEntry {
  s: string;
  l: string;
}

let sb: Sandbox;
let seq = 0;

/** Runs one driver operation; `out` is what came before the JSON line (exec/attached output). */
async function drive<T>(op: string, args: object): Promise<{ result: T; out: string; stderr: string }> {
  const r = await sb.exec([process.execPath, driver, op, JSON.stringify(args)], { timeoutMs: 60_000 });
  const lines = r.stdout.trimEnd().split('\n');
  const last = lines.pop() ?? '';
  try {
    return { result: JSON.parse(last) as T, out: lines.join('\n'), stderr: r.stderr };
  } catch {
    throw new Error(`driver ${op} printed no JSON (exit ${r.code}): ${r.stdout}${r.stderr}`);
  }
}

function newId(): string {
  return `c${String(++seq).padStart(3, '0')}`;
}

/** Launches a container (detached) and waits until it has exited; returns state and log lines. */
async function runToEnd(args: object): Promise<{ state: State; lines: string[]; launched: Launched; id: string }> {
  const id = newId();
  const { result: launched } = await drive<Launched>('launch', { id, image: 'busybox', netns: NETNS, ...args });
  if (launched.error) throw new Error(`launch failed: ${launched.error}`);
  const { result: state } = await drive<State>('wait', { id });
  const { result: logs } = await drive<LogEntry[]>('logs', { id });
  return { state, lines: logs.map((e) => e.l), launched, id };
}

beforeAll(async () => {
  // test/build.ts (global setup) built dist/ and the launcher.
  for (const f of [`${root}dist/runtime/launch.js`, launcher]) {
    if (!existsSync(f)) throw new Error(`${f} missing: run the tests with npm test`);
  }
  sb = await Sandbox.start({});
  await sb.sh(['sh', makeImages, '/run/imgs'], { timeoutMs: 60_000 });
  const imp = await sb.netctl(['image', 'import', '/run/imgs/busybox.tar', 'busybox']);
  if (imp.code !== 0) throw new Error(`image import failed: ${imp.stderr}`);
  await sb.sh(['ip', 'netns', 'add', 'ctr']);
});

afterAll(async () => {
  await sb?.close();
});

describe('a container', () => {
  it('runs echo and its output lands in the log', async () => {
    const { state, lines } = await runToEnd({ argv: ['echo', 'hello'] });
    expect(state).toMatchObject({ status: 'exited', exitCode: 0, restartCount: 0, error: null });
    expect(lines).toEqual(['hello']);
  });

  it('gets the configured hostname, /etc/hosts, environment, working directory and user', async () => {
    const { lines } = await runToEnd({
      argv: ['sh', '-c', 'hostname; cat /etc/hosts; echo "$GREETING"; pwd; id -u; id -g'],
      hostname: 'web1',
      hosts: '127.0.0.1 localhost\n10.9.8.7 web1\n',
      env: ['PATH=/bin', 'GREETING=hi there'],
      cwd: '/srv/app',
      uid: 65534,
      gid: 65534,
    });
    expect(lines).toEqual(['web1', '127.0.0.1 localhost', '10.9.8.7 web1', 'hi there', '/srv/app', '65534', '65534']);
  });

  it('has its own /proc where PID 1 is the command and host processes are invisible', async () => {
    await sb.background(['sleep', '4242']);
    const { lines } = await runToEnd({
      argv: ['sh', '-c', 'echo $$; cat /proc/1/cmdline | tr "\\0" " "; echo; ps -o pid,args'],
    });
    expect(lines[0]).toBe('1');
    expect(lines[1]).toBe('sh -c echo $$; cat /proc/1/cmdline | tr "\\0" " "; echo; ps -o pid,args ');
    const ps = lines.slice(2).join('\n');
    expect(ps).not.toContain('4242');
    expect(ps).not.toContain('node');
    expect(lines.slice(3).length).toBeLessThanOrEqual(3);
  });

  it('has a read-only /sys and a writable root', async () => {
    const { lines } = await runToEnd({
      argv: [
        'sh',
        '-c',
        'grep " /sys " /proc/mounts; touch /sys/x && echo sys-writable; touch /new && echo root-writable',
      ],
    });
    expect(lines[0]).toMatch(/^sysfs \/sys sysfs ro,/);
    expect(lines).not.toContain('sys-writable');
    expect(lines).toContain('root-writable');
  });

  it('can make device nodes but not open them, while its /dev devices work', async () => {
    const script =
      'for d in /tmp /dev /data; do mknod $d/zero2 c 1 5 && echo made && { head -c1 $d/zero2 >/dev/null && echo opened || echo refused; }; done; echo x > /dev/null && head -c4 /dev/zero | wc -c';
    await sb.sh(['mkdir', '-p', '/run/vol-dev']);
    const { lines } = await runToEnd({
      argv: ['sh', '-c', script],
      binds: [{ source: '/run/vol-dev', target: '/data', readOnly: false }],
    });
    expect(lines.filter((l) => !l.includes('Permission denied'))).toEqual([
      'made',
      'refused',
      'made',
      'refused',
      'made',
      'refused',
      '4',
    ]);
  });

  it("has Docker's default capabilities, and none as another user", async () => {
    const rootCaps = await runToEnd({ argv: ['grep', 'Cap', '/proc/self/status'] });
    expect(rootCaps.lines).toContain('CapBnd:\t00000000a80425fb');
    expect(rootCaps.lines).toContain('CapEff:\t00000000a80425fb');
    expect(rootCaps.lines).toContain('CapInh:\t0000000000000000');
    const user = await runToEnd({
      argv: ['sh', '-c', 'grep Cap /proc/self/status; grep NoNewPrivs /proc/self/status'],
      uid: 1000,
      gid: 1000,
    });
    expect(user.lines).toContain('CapBnd:\t00000000a80425fb');
    expect(user.lines).toContain('CapEff:\t0000000000000000');
    expect(user.lines).toContain('CapPrm:\t0000000000000000');
    // Docker's default: no_new_privs only with --security-opt no-new-privileges.
    expect(user.lines).toContain('NoNewPrivs:\t0');
    const nnp = await runToEnd({ argv: ['grep', 'NoNewPrivs', '/proc/self/status'], proc: { noNewPrivs: true } });
    expect(nnp.lines).toContain('NoNewPrivs:\t1');
  });

  it('joins the given network namespace', async () => {
    await sb.sh(['ip', '-n', 'ctr', 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1']);
    const { lines } = await runToEnd({ argv: ['ip', '-o', 'link'] });
    const names = lines.map((l) => l.split(': ')[1]?.replace(/@.*/, ''));
    expect(names.sort()).toEqual(['lo', 'probe0', 'probe1']);
  });

  it('binds volumes read-write and read-only', async () => {
    await sb.sh(['mkdir', '-p', '/run/vol-rw', '/run/vol-ro']);
    await sb.sh(['sh', '-c', 'echo from-host > /run/vol-ro/f']);
    const { lines } = await runToEnd({
      argv: ['sh', '-c', 'echo from-ctr > /data/out; cat /conf/f; echo x > /conf/f || echo ro-refused'],
      binds: [
        { source: '/run/vol-rw', target: '/data', readOnly: false },
        { source: '/run/vol-ro', target: '/conf', readOnly: true },
      ],
    });
    expect(lines).toContain('from-host');
    expect(lines).toContain('ro-refused');
    expect(await sb.sh(['cat', '/run/vol-rw/out'])).toBe('from-ctr\n');
    expect(await sb.sh(['cat', '/run/vol-ro/f'])).toBe('from-host\n');
  });

  it('allocates a pseudo-terminal from its own /dev/pts with -t', async () => {
    const { lines } = await runToEnd({ argv: ['tty'], tty: true });
    expect(lines).toEqual(['/dev/pts/0\r']);
  });
});

describe('the writable layer', () => {
  it.each(['auto', 'copy'])('keeps the image unchanged (%s)', async (mode) => {
    const { lines, launched, id, state } = await runToEnd({
      argv: ['sh', '-c', 'echo changed > /etc/passwd; echo new > /newfile; rm /bin/ls; cat /etc/passwd'],
      rootfsMode: mode,
    });
    expect(state.exitCode).toBe(0);
    expect(lines).toEqual(['changed']);
    expect(launched.rootfs.kind).toBe(mode === 'auto' ? 'overlay' : 'copy');
    const img = launched.image.rootfs;
    expect(await sb.sh(['cat', `${img}/etc/passwd`])).toContain('root:x:0:0');
    expect((await sb.exec(['test', '-e', `${img}/newfile`])).code).toBe(1);
    expect((await sb.exec(['test', '-L', `${img}/bin/ls`])).code).toBe(0);
    expect(await sb.sh(['cat', `${launched.rootfs.path}/newfile`])).toBe('new\n');
    await drive('rm', { id });
    expect((await sb.exec(['test', '-e', launched.rootfs.path])).code).toBe(1);
    expect(await sb.sh(['cat', '/proc/self/mounts'])).not.toContain(`/containers/${id}/`);
  });
});

describe('the monitor', () => {
  it('restarts a failing command N times with on-failure', async () => {
    const { state, lines } = await runToEnd({
      argv: ['sh', '-c', 'echo run; exit 3'],
      restart: 'on-failure',
      restartMax: 2,
    });
    expect(state).toMatchObject({ status: 'exited', exitCode: 3, restartCount: 2 });
    expect(lines).toEqual(['run', 'run', 'run']);
  });

  it('does not restart a command that succeeded under on-failure', async () => {
    const { state, lines } = await runToEnd({ argv: ['echo', 'once'], restart: 'on-failure', restartMax: 5 });
    expect(state).toMatchObject({ exitCode: 0, restartCount: 0 });
    expect(lines).toEqual(['once']);
  });

  it('reports a command that does not exist (127) without starting it', async () => {
    const { result } = await drive<Launched>('launch', {
      id: newId(),
      image: 'busybox',
      netns: NETNS,
      argv: ['no-such-cmd'],
    });
    expect(result.exitCode).toBe(127);
    expect(result.error).toContain('no-such-cmd');
  });

  it('runs the cleanup command when the container is gone', async () => {
    const { state, id } = await runToEnd({ argv: ['true'], cleanup: ['touch', '/run/cleaned'] });
    expect(state.exitCode).toBe(0);
    // The monitor runs the cleanup after writing "exited": wait for it, boundedly.
    await sb.sh(['sh', '-c', 'for i in $(seq 100); do [ -e /run/cleaned ] && exit 0; sleep 0.05; done; exit 1']);
    expect(id).toBeTruthy();
  });

  it('passes SIGTERM on at stop and does not restart afterwards', async () => {
    const id = newId();
    const script = 'trap "echo got-term; exit 7" TERM; echo up; while :; do sleep 0.05; done';
    await drive<Launched>('launch', {
      id,
      image: 'busybox',
      netns: NETNS,
      argv: ['sh', '-c', script],
      restart: 'always',
    });
    await sb.sh([
      'sh',
      '-c',
      `for i in $(seq 100); do grep -q '"l":"up"' /run/netctl/containers/${id}/container.log && exit 0; sleep 0.05; done; exit 1`,
    ]);
    const { result } = await drive<State>('stop', { id, graceMs: 10_000 });
    expect(result).toMatchObject({ status: 'exited', exitCode: 7, signal: null, restartCount: 0 });
    const { result: logs } = await drive<LogEntry[]>('logs', { id });
    expect(logs.map((e) => e.l)).toEqual(['up', 'got-term']);
  });

  it('restarts a command that succeeded under always, until stopped', async () => {
    const id = newId();
    await drive<Launched>('launch', { id, image: 'busybox', netns: NETNS, argv: ['echo', 'again'], restart: 'always' });
    await sb.sh([
      'sh',
      '-c',
      `for i in $(seq 200); do grep -q '"restartCount":[2-9]' /run/netctl/containers/${id}/state.json && exit 0; sleep 0.05; done; exit 1`,
    ]);
    const { result } = await drive<State>('stop', { id, graceMs: 5_000 });
    expect(result?.status).toBe('exited');
    expect(result.restartCount).toBeGreaterThanOrEqual(2);
  });

  it('relays a terminal in attached -i -t mode', async () => {
    // `read` in canonical mode, not an interactive shell: its line editor would take input
    // typed before it started as the answer to its cursor-position query.
    const argv = ['sh', '-c', 'read a; read b; echo "sum-$((a+b))"; tty; exit 3'];
    const spec = JSON.stringify({
      id: newId(),
      image: 'busybox',
      netns: NETNS,
      argv,
      tty: true,
      interactive: true,
      attached: true,
    });
    // script(1) gives the launcher a terminal as its stdin, as a user's shell would.
    const r = await sb.exec(['script', '-qec', `exec "${process.execPath}" "${driver}" launch "$SPEC"`, '/dev/null'], {
      env: { SPEC: spec },
      input: '40\n2\n',
    });
    expect(r.stdout).toContain('sum-42\r\n/dev/pts/0\r\n');
    expect(r.stdout).toContain('{"exitCode":3,');
  });

  it('returns the exit code in attached mode and copies output through', async () => {
    const { result, out } = await drive<{ exitCode: number }>('launch', {
      id: newId(),
      image: 'busybox',
      netns: NETNS,
      argv: ['sh', '-c', 'echo out-line; exit 5'],
      attached: true,
    });
    expect(result.exitCode).toBe(5);
    expect(out).toBe('out-line');
  });
});

describe('a running container', () => {
  let id: string;
  let state: State;
  beforeAll(async () => {
    id = newId();
    const { result } = await drive<Launched>('launch', {
      id,
      image: 'busybox',
      netns: NETNS,
      argv: ['sleep', '300'],
      env: ['PATH=/bin', 'FROM_INIT=yes'],
    });
    state = result.state;
  });

  it('is running with both pids recorded', () => {
    expect(state.status).toBe('running');
    expect(state.pid).toBeGreaterThan(1);
    expect(state.monitorPid).toBeGreaterThan(1);
  });

  it('runs exec in its namespaces and passes the exit code back', async () => {
    const { result, out } = await drive<{ exitCode: number }>('exec', {
      pid: state.pid,
      argv: ['sh', '-c', 'echo $$ $FROM_INIT $EXTRA; cat /proc/1/cmdline; echo; exit 42'],
      opts: { env: ['EXTRA=more'] },
    });
    expect(result.exitCode).toBe(42);
    const [first, second] = out.split('\n');
    expect(Number(first!.split(' ')[0])).toBeGreaterThan(1);
    expect(first!.split(' ').slice(1)).toEqual(['yes', 'more']);
    expect(second).toBe('sleep\u0000300\u0000');
  });

  it('gives exec -t -i a terminal inside the container', async () => {
    const cmd = `exec ${launcher} exec -t -i ${state.pid} sh -c 'read a; echo "exec-$((a*7))"; tty; exit 9'`;
    const r = await sb.exec(['script', '-qec', cmd, '/dev/null'], { input: '6\n' });
    expect(r.stdout).toContain('exec-42\r\n/dev/pts/');
    expect(r.code).toBe(9);
  });

  it('reports 127 from exec for a missing command', async () => {
    const { result } = await drive<{ exitCode: number }>('exec', { pid: state.pid, argv: ['no-such-cmd'] });
    expect(result.exitCode).toBe(127);
  });

  it('records the exit code of a container killed on stop', async () => {
    // sleep as PID 1 ignores SIGTERM, so the grace period runs out and SIGKILL ends it.
    const { result } = await drive<State>('stop', { id, graceMs: 300 });
    expect(result).toMatchObject({ status: 'exited', exitCode: 137, signal: 9 });
  });
});
