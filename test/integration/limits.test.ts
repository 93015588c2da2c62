import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';
import { capabilityMask } from '../../src/model/process-options.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-limits-img`;

interface Inspect {
  Id: string;
  State: { Status: string; ExitCode: number | null; OOMKilled: boolean; Pid: number; RestartCount: number };
  HostConfig: Record<string, unknown>;
}

// The real cgroup v1 hierarchies of this machine, under the sandbox's own parent (removed with it).
describe('resource limits and process options, with real cgroups', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const inspect = async (name: string): Promise<Inspect> =>
    (JSON.parse(await netctl('inspect', name)) as Inspect[])[0]!;
  const cgroupFile = async (ctl: string, id: string, file: string): Promise<string> =>
    sb.sh(['sh', '-c', `cat /sys/fs/cgroup/${ctl}/$NETCTL_CGROUP_PARENT/${id}/${file}`]);
  const until = async (what: string, f: () => Promise<boolean>, ms = 15_000): Promise<void> => {
    for (const end = Date.now() + ms; !(await f()); ) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const exited = (name: string) => async (): Promise<boolean> => (await inspect(name)).State.Status === 'exited';

  beforeAll(async () => {
    sb = await Sandbox.start();
    await sb.sh(['sh', makeImages, IMG]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
  });
  afterAll(async () => {
    await sb?.exec(['rm', '-rf', IMG]);
    await sb?.close();
  });

  it('kills a memory hog at its limit and records it as Docker does (137, OOMKilled)', async () => {
    await netctl('run', '-d', '--name', 'hog', '-m', '8m', 'busybox', 'sh', '-c', 'x=a; while :; do x="$x$x"; done');
    await until('the hog to be killed', exited('hog'));
    const c = await inspect('hog');
    expect(c.State.ExitCode).toBe(137);
    expect(c.State.OOMKilled).toBe(true);
    expect(c.HostConfig.Memory).toBe(8 * 1024 * 1024);
    expect(await cgroupFile('memory', c.Id, 'memory.limit_in_bytes')).toBe(`${8 * 1024 * 1024}\n`);
    const ps = JSON.parse(await netctl('ps', '-a', '--json')) as { name: string; oomKilled: boolean }[];
    expect(ps.find((r) => r.name === 'hog')?.oomKilled).toBe(true);
    expect(await netctl('ps', '-a')).toMatch(/hog .*Exited \(137\) \S.* ago/);
    // A container that merely exits is not taken for an OOM kill.
    await netctl('run', '--name', 'calm', '-m', '8m', 'busybox', 'true');
    expect((await inspect('calm')).State.OOMKilled).toBe(false);
    await netctl('rm', 'hog', 'calm');
    const left = await sb.exec(['sh', '-c', `ls -d /sys/fs/cgroup/memory/$NETCTL_CGROUP_PARENT/${c.Id}`]);
    expect(left.code).not.toBe(0);
  });

  it('holds a busy loop to --cpus 0.5, by the cgroup counters', async () => {
    // On a busy machine the loop might not even get half a CPU, and never meet its quota: the
    // sandbox's own parent group gets the largest weight, so the quota is what holds it.
    await sb.sh(['sh', '-c', 'mkdir -p /sys/fs/cgroup/cpu/$NETCTL_CGROUP_PARENT']);
    await sb.sh(['sh', '-c', 'echo 262144 > /sys/fs/cgroup/cpu/$NETCTL_CGROUP_PARENT/cpu.shares']);
    await netctl(
      'run',
      '-d',
      '--name',
      'busy',
      '--cpus',
      '0.5',
      '--cpu-shares',
      '262144',
      'busybox',
      'sh',
      '-c',
      'while :; do :; done',
    );
    const id = (await inspect('busy')).Id;
    expect(await cgroupFile('cpu', id, 'cpu.cfs_quota_us')).toBe('50000\n');
    const read = async (): Promise<{ usage: number; periods: number; throttled: number }> => {
      const st = await cgroupFile('cpu', id, 'cpu.stat');
      const v = (k: string): number => Number(new RegExp(`^${k} (\\d+)`, 'm').exec(st)?.[1]);
      return {
        usage: Number(await cgroupFile('cpuacct', id, 'cpuacct.usage')),
        periods: v('nr_periods'),
        throttled: v('nr_throttled'),
      };
    };
    const a = await read();
    await until('20 more periods', async () => (await read()).periods >= a.periods + 20);
    const b = await read();
    // CPU time per 100 ms period it was runnable: at most half a CPU's (the host may give it less).
    const perPeriod = (b.usage - a.usage) / ((b.periods - a.periods) * 100e6);
    expect(perPeriod).toBeLessThanOrEqual(0.55);
    expect(perPeriod).toBeGreaterThan(0.1);
    expect(b.throttled).toBeGreaterThan(a.throttled);
    const rows = JSON.parse(await netctl('stats', '--no-stream', '--json', 'busy')) as {
      cpuPercent: number;
      pids: number;
    }[];
    expect(rows[0]!.cpuPercent).toBeGreaterThan(5);
    expect(rows[0]!.cpuPercent).toBeLessThanOrEqual(60);
    expect(rows[0]!.pids).toBe(1);
    // An exec'd process lands in the container's cgroups too.
    const cg = await netctl('exec', 'busy', 'cat', '/proc/self/cgroup');
    expect(cg).toMatch(new RegExp(`^\\d+:cpu:/netctl-sandbox-[0-9a-f]+/${id}$`, 'm'));
    await netctl('rm', '-f', 'busy');
  });

  it('refuses forks beyond --pids-limit', async () => {
    const r = await sb.netctl([
      'run',
      '--rm',
      '--pids-limit',
      '4',
      'busybox',
      'sh',
      '-c',
      'n=0; for i in 1 2 3 4 5 6; do sleep 3 & n=$((n+1)); done; wait; echo started',
    ]);
    expect(r.stderr + r.stdout).toMatch(/can't fork|Resource temporarily unavailable/i);
  });

  it('shows capabilities and no-new-privileges in /proc/1/status', async () => {
    const status = (...opts: string[]): Promise<string> =>
      netctl('run', '--rm', ...opts, 'busybox', 'grep', '-E', 'CapEff|NoNewPrivs', '/proc/1/status');
    const hex = (m: string): string => m.padStart(16, '0');
    // Every capability the host gives netctl (some machines withhold one, e.g. SYS_RESOURCE).
    const all = /CapBnd:\t([0-9a-f]+)/.exec(await sb.sh(['cat', '/proc/self/status']))![1]!;
    expect(await status()).toBe(`CapEff:\t${hex(capabilityMask([], []))}\nNoNewPrivs:\t0\n`);
    const dropped = await status(
      '--cap-drop',
      'NET_RAW',
      '--cap-add',
      'NET_ADMIN',
      '--security-opt',
      'no-new-privileges',
    );
    expect(dropped).toBe(`CapEff:\t${hex(capabilityMask(['NET_ADMIN'], ['NET_RAW']))}\nNoNewPrivs:\t1\n`);
    expect(await status('--cap-drop', 'ALL')).toBe(`CapEff:\t${hex('0')}\nNoNewPrivs:\t0\n`);
    expect(await status('--privileged')).toBe(`CapEff:\t${all}\nNoNewPrivs:\t0\n`);
  });

  it('sets namespaced sysctls in the container only, and refuses the others', async () => {
    const host = await sb.sh(['cat', '/proc/sys/net/core/somaxconn']);
    const out = await netctl(
      'run',
      '--rm',
      '--sysctl',
      'net.core.somaxconn=1234',
      '--sysctl',
      'kernel.shmmni=2048',
      'busybox',
      'cat',
      '/proc/sys/net/core/somaxconn',
      '/proc/sys/kernel/shmmni',
    );
    expect(out).toBe('1234\n2048\n');
    expect(await sb.sh(['cat', '/proc/sys/net/core/somaxconn'])).toBe(host);
    const before = await netctl('ps', '-a', '--json');
    const r = await sb.netctl(['run', '--rm', '--sysctl', 'kernel.pid_max=1000', 'busybox', 'true']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/sysctl "kernel.pid_max" is not namespaced/);
    expect(await netctl('ps', '-a', '--json')).toBe(before);
  });

  it('--init reaps orphaned zombies that a plain pid 1 leaves', async () => {
    // The orphan of the inner shell is re-parented to pid 1; sleep, as pid 1, never waits for it.
    const cmd = ['sh', '-c', 'sh -c "sleep 0.1 &"; exec sleep 30'];
    const zombies = async (name: string): Promise<string> => {
      await new Promise((r) => setTimeout(r, 600));
      return netctl('exec', name, 'sh', '-c', 'cat /proc/[0-9]*/stat | grep -c ") Z " || true');
    };
    await netctl('run', '-d', '--name', 'noinit', 'busybox', ...cmd);
    await netctl('run', '-d', '--name', 'withinit', '--init', 'busybox', ...cmd);
    expect((await zombies('noinit')).trim()).toBe('1');
    expect((await zombies('withinit')).trim()).toBe('0');
    expect(await netctl('exec', 'withinit', 'cat', '/proc/1/comm')).toBe('netctl-init\n');
    // The init passes the stop's SIGTERM on: the command dies of it (143), no SIGKILL after the grace (137).
    await netctl('stop', '-t', '20', 'withinit');
    expect((await inspect('withinit')).State.ExitCode).toBe(143);
    await netctl('rm', '-f', 'noinit', 'withinit');
  });

  it("resolves -u NAME[:GROUP] in the image's passwd and group, with --group-add", async () => {
    expect(await netctl('run', '--rm', '-u', 'nobody', 'busybox', 'id')).toBe(
      'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n',
    );
    expect(await netctl('run', '--rm', '-u', 'nobody:root', '--group-add', 'nogroup', 'busybox', 'id')).toBe(
      'uid=65534(nobody) gid=0(root) groups=0(root),65534(nogroup)\n',
    );
    const r = await sb.netctl(['run', '--rm', '-u', 'ghost', 'busybox', 'id']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/user "ghost" is not in the image's \/etc\/passwd/);
  });

  it('applies ulimits, /dev/shm size, a read-only root, the stop signal and on-failure:N', async () => {
    const out = await netctl(
      'run',
      '--rm',
      '--ulimit',
      'nofile=100:200',
      '--shm-size',
      '2m',
      '--read-only',
      'busybox',
      'sh',
      '-c',
      'ulimit -n; ulimit -Hn; df -k /dev/shm | tail -1; touch /x 2>/dev/null || echo ro; touch /dev/shm/y && echo shm-rw',
    );
    expect(out).toMatch(/^100\n200\nshm\s+2048 .*\nro\nshm-rw\n$/);
    await netctl(
      'run',
      '-d',
      '--name',
      'sig',
      '--stop-signal',
      'USR1',
      'busybox',
      'sh',
      '-c',
      'trap "echo got-usr1; exit 0" USR1; while :; do sleep 0.1; done',
    );
    await netctl('stop', 'sig');
    expect(await netctl('logs', 'sig')).toBe('got-usr1\n');
    expect((await inspect('sig')).HostConfig.StopSignal).toBe('SIGUSR1');
    await netctl('run', '-d', '--name', 'fail2', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3');
    await until('two restarts', exited('fail2'));
    expect((await inspect('fail2')).State.RestartCount).toBe(2);
    await netctl('rm', 'sig', 'fail2');
  });

  it('writes the memory, cpuset and oom knobs; --entrypoint, --env-file, --stop-timeout, unless-stopped', async () => {
    const MiB = 1024 * 1024;
    await netctl(
      'run',
      '-d',
      '--name',
      'knobs',
      ...['--memory', '64m', '--memory-swap', '128m', '--memory-reservation', '32m'],
      ...['--oom-kill-disable', '--cpuset-cpus', '0', '--stop-timeout', '1'],
      'busybox',
      'sh',
      '-c',
      'trap "" TERM; while :; do sleep 0.1; done',
    );
    const id = (await inspect('knobs')).Id;
    expect(Number(await cgroupFile('memory', id, 'memory.limit_in_bytes'))).toBe(64 * MiB);
    expect(Number(await cgroupFile('memory', id, 'memory.soft_limit_in_bytes'))).toBe(32 * MiB);
    expect(await cgroupFile('memory', id, 'memory.oom_control')).toMatch(/^oom_kill_disable 1$/m);
    expect(await cgroupFile('cpuset', id, 'cpuset.cpus')).toBe('0\n');
    // Swap accounting is a boot option (swapaccount=1): its file only where the kernel has it.
    const memsw = await sb.exec([
      'sh',
      '-c',
      `cat /sys/fs/cgroup/memory/$NETCTL_CGROUP_PARENT/${id}/memory.memsw.limit_in_bytes`,
    ]);
    if (memsw.code === 0) expect(Number(memsw.stdout)).toBe(128 * MiB);
    // SIGTERM is ignored: stop kills it after its own 1 s, not the default 10 s.
    const t0 = Date.now();
    await netctl('stop', 'knobs');
    expect(Date.now() - t0).toBeLessThan(8000);
    expect((await inspect('knobs')).State.ExitCode).toBe(137);
    const envFile = `${IMG}/app.env`;
    await sb.sh(['sh', '-c', `printf '# a comment\\nGREETING=hello there\\nEMPTY=\\n' > ${envFile}`]);
    const out = await netctl(
      'run',
      '--rm',
      '--env-file',
      envFile,
      '--entrypoint',
      '/bin/sh',
      'busybox',
      '-c',
      'echo "$GREETING|${EMPTY-unset}|$0"',
    );
    expect(out).toBe('hello there||/bin/sh\n');
    await netctl(
      'run',
      '-d',
      '--name',
      'again',
      '--restart',
      'unless-stopped',
      'busybox',
      'sh',
      '-c',
      'sleep 0.3; exit 1',
    );
    await until('a restart', async () => (await inspect('again')).State.RestartCount >= 1);
    await netctl('stop', 'again');
    const count = (await inspect('again')).State.RestartCount;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await inspect('again')).State).toMatchObject({ Status: 'exited', RestartCount: count });
    await netctl('rm', 'knobs', 'again');
  });

  it('stats --no-stream --json: numbers that move', async () => {
    await netctl(
      'run',
      '-d',
      '--name',
      's1',
      '-m',
      '64m',
      'busybox',
      'sh',
      '-c',
      'while :; do head -c 200000 /dev/zero > /dev/shm/f; sleep 0.05; done',
    );
    type Row = { name: string; cpuPercent: number; memoryUsage: number; memoryLimit: number; netRx: number };
    const one = async (): Promise<Row> =>
      (JSON.parse(await netctl('stats', '--no-stream', '--json')) as Row[]).find((r) => r.name === 's1')!;
    const a = await one();
    expect(a.name).toBe('s1');
    expect(a.memoryLimit).toBe(64 * 1024 * 1024);
    expect(a.memoryUsage).toBeGreaterThan(0);
    expect(a.cpuPercent).toBeGreaterThan(0);
    const b = await one();
    expect(b.cpuPercent).not.toBe(a.cpuPercent);
    const text = await netctl('stats', '--no-stream', '--format', 'table {{.Name}}\\t{{.MemUsage}}', 's1');
    expect(text).toMatch(/^NAME\tMEM USAGE \/ LIMIT\ns1\t[\d.]+[KM]iB \/ 64MiB\n$/);
    await netctl('rm', '-f', 's1');
  });
});
