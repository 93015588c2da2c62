/**
 * Container lifecycle with real packets: stop/start/restart keep the published port, start
 * rebuilds a network lost to a reboot, restart policies, `kill -9` of the CLI during `run`
 * ten times then `gc`, eight concurrent runs, conntrack flushed on rm so a continuous UDP
 * client reaches the next container, `image rm` refused while a container uses the image,
 * `boot --shutdown --down` (the package's prerm) leaving no container, bridge, veth or rule of
 * netctl's with every record kept, and `ufw sync` and `boot` bringing them back.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { httpdServing, kernelState, netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-life-img`;
const WWW = `/tmp/netctl-test-${process.pid}-life-www`;

interface PsRow {
  id: string;
  name: string;
  status: string;
  addresses: string[];
}

describe('container lifecycle', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const ps = async (): Promise<PsRow[]> => JSON.parse(await netctl('ps', '-a', '--json')) as PsRow[];
  const get = async (port: number): Promise<string> => {
    const r = await sb.execIn('wan', ['curl', '-s', '-m', '2', `http://198.51.100.2:${port}/`], { timeoutMs: 6_000 });
    return r.code === 0 ? r.stdout.trim() : '';
  };
  const web = (name: string, port: number, ...extra: string[]): Promise<string> =>
    netctl('run', '-d', '--name', name, '--network', 'life', '-p', `${port}:80`, ...extra, ...httpdServing(WWW));
  /** Links, netns files, container directories and rules: what a leak would change. */
  const leakState = async (): Promise<string> =>
    `${await kernelState(sb)}\n${await sb.sh(['sh', '-c', 'ls /run/netctl/netns /run/netctl/containers /var/lib/netctl/containers 2>/dev/null; true'])}`;

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true });
    await sb.sh(['sh', makeImages, IMG]);
    await sb.sh(['sh', '-c', `mkdir -p ${WWW} && echo page > ${WWW}/index.html`]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
    await netctl('network', 'create', '--subnet', '10.77.0.0/24', 'life');
  });
  afterAll(async () => {
    await sb?.exec(['rm', '-rf', IMG, WWW]);
    await sb?.close();
  });

  it('stop, start and restart keep the published port working', async () => {
    await web('web', 8080);
    expect(await get(8080)).toBe('page');
    // A dry run sends no signal: it prints them.
    expect(await netctl('stop', '--dry-run', '-t', '1', 'web')).toMatch(
      /^web: send SIGTERM to its monitor \(pid \d+\)\n {2}send SIGKILL .* after 1s\n {2}record it as exited\n$/,
    );
    expect(await get(8080)).toBe('page');
    await netctl('stop', '-t', '1', 'web');
    expect(await get(8080)).toBe('');
    expect((await ps()).find((c) => c.name === 'web')?.status).toBe('exited');
    const before = await kernelState(sb);
    expect(await netctl('start', '--dry-run', 'web')).toContain('start the container process');
    expect(await kernelState(sb)).toBe(before);
    expect(await netctl('start', 'web')).toBe('web\n');
    expect(await get(8080)).toBe('page');
    expect(await netctl('restart', '--dry-run', '-t', '1', 'web')).toContain('start the container process');
    expect(await get(8080)).toBe('page');
    expect(await netctl('restart', '-t', '1', 'web')).toBe('web\n');
    expect(await get(8080)).toBe('page');
    // Starting a running container changes nothing.
    expect(await netctl('start', 'web')).toBe('web\n');
    const r = await sb.netctl(['start', 'nope']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('"nope"');
  });

  it('start rebuilds a network namespace and rules lost to a reboot, with the same address', async () => {
    const [row] = (await ps()).filter((c) => c.name === 'web');
    await netctl('stop', '-t', '1', 'web');
    await sb.sh([
      'sh',
      '-c',
      `umount /run/netctl/netns/${row!.id.slice(0, 12)} && rm /run/netctl/netns/${row!.id.slice(0, 12)}`,
    ]);
    await sb.sh(['sh', '-c', 'for t in filter nat raw; do iptables -t $t -F; iptables -t $t -X; done']);
    await netctl('start', 'web');
    expect(await get(8080)).toBe('page');
    expect((await ps()).find((c) => c.name === 'web')?.addresses).toEqual(row!.addresses);
  });

  it('restart policies: on-failure and always restart, no does not', async () => {
    await netctl('run', '-d', '--name', 'fails', '--restart', 'on-failure', 'busybox', 'sh', '-c', 'sleep 0.2; exit 1');
    await netctl('run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2; exit 0');
    await netctl('run', '-d', '--name', 'never', 'busybox', 'sh', '-c', 'sleep 0.2; exit 1');
    const count = async (name: string): Promise<number> =>
      (JSON.parse(await netctl('inspect', name)) as { State: { RestartCount: number } }[])[0]!.State.RestartCount;
    let counts = [0, 0, 0];
    for (let i = 0; i < 50 && (counts[0]! < 2 || counts[1]! < 2); i++) {
      await new Promise((r) => setTimeout(r, 200));
      counts = [await count('fails'), await count('always'), await count('never')];
    }
    expect(counts[0]).toBeGreaterThanOrEqual(2);
    expect(counts[1]).toBeGreaterThanOrEqual(2);
    expect(counts[2]).toBe(0);
    await netctl('rm', '-f', 'fails', 'always', 'never');
  });

  it('kill -9 of run at random points, ten times, then gc: nothing leaks and the next run works', async () => {
    await netctl('rm', '-f', 'web');
    const start = await leakState();
    for (let i = 0; i < 10; i++) {
      // A shell kills the CLI after a random delay in 0-250 ms.
      await sb.exec([
        'sh',
        '-c',
        `${process.execPath} ${NETCTL} run -d --name k${i} --network life -p ${9000 + i}:80 busybox sleep 300 >/dev/null 2>&1 & P=$!; sleep 0.$(( $(od -An -N1 -tu1 /dev/urandom) % 25 )); kill -9 $P; wait $P; true`,
      ]);
    }
    await netctl('gc');
    // What finished before its kill is a real container: remove it the normal way.
    const left = (await ps()).map((c) => c.name).filter((n) => n.startsWith('k'));
    if (left.length > 0) await netctl('rm', '-f', ...left);
    expect(await leakState()).toBe(start);
    expect(await netctl('gc')).toBe('nothing to collect\n');
    await web('after', 8090);
    expect(await get(8090)).toBe('page');
    await netctl('rm', '-f', 'after');
  });

  it('eight concurrent runs get distinct addresses and all answer', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `c${i}`);
    const runs = await Promise.all(
      names.map((n, i) =>
        sb.netctl(['run', '-d', '--name', n, '--network', 'life', '-p', `${8100 + i}:80`, ...httpdServing(WWW)], {
          timeoutMs: 60_000,
        }),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual(names.map(() => 0));
    const addrs = (await ps()).filter((c) => names.includes(c.name)).map((c) => c.addresses[0]);
    expect(new Set(addrs).size).toBe(8);
    expect(await Promise.all(names.map((_, i) => get(8100 + i)))).toEqual(names.map(() => 'page'));
    await netctl('rm', '-f', ...names);
  });

  it('rm flushes conntrack: a continuous UDP client reaches the next container on that port', async () => {
    // busybox has no UDP server: socat answers inside each container's network namespace.
    // The second container gets another address, so a stale entry cannot reach it by luck.
    const udp = async (name: string, ip: string, text: string): Promise<void> => {
      await netctl(
        'run',
        '-d',
        '--name',
        name,
        '--network',
        'life',
        '--ip',
        ip,
        '-p',
        '5300:53/udp',
        'busybox',
        'sleep',
        '300',
      );
      const id = (await ps()).find((c) => c.name === name)!.id.slice(0, 12);
      await sb.background([
        'nsenter',
        `--net=/run/netctl/netns/${id}`,
        'socat',
        'UDP-RECVFROM:53,fork',
        `SYSTEM:echo ${text}`,
      ]);
    };
    await udp('u1', '10.77.0.101', 'first');
    // The client sends every 100 ms from one source port and records every answer.
    const log = `${WWW}/udp-answers`;
    await sb.background([
      'ip',
      'netns',
      'exec',
      'wan',
      'sh',
      '-c',
      `while true; do echo ping; sleep 0.1; done | socat - UDP-SENDTO:198.51.100.2:5300,sourceport=40000 >> ${log}`,
    ]);
    const answers = async (): Promise<string> => (await sb.exec(['cat', log])).stdout;
    for (let i = 0; i < 50 && !(await answers()).includes('first'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await answers()).toContain('first');
    await netctl('rm', '-f', 'u1');
    await udp('u2', '10.77.0.102', 'second');
    for (let i = 0; i < 50 && !(await answers()).includes('second'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await answers()).toContain('second');
    await netctl('rm', '-f', 'u2');
  });

  it('image rm refuses an image a container uses, and changes nothing', async () => {
    await netctl('run', '-d', '--name', 'user', 'busybox', 'sleep', '300');
    const r = await sb.netctl(['image', 'rm', 'busybox']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/image "busybox" is in use by container "\w+"/);
    expect(await netctl('image', 'ls')).toContain('busybox');
    await netctl('rm', '-f', 'user');
  });

  it('boot --shutdown --down leaves nothing of netctl in the kernel, keeps the records; ufw sync and boot bring them back', async () => {
    await web('down', 8090, '--restart', 'always');
    expect(await get(8090)).toBe('page');
    const records = async (): Promise<string[]> => (await ps()).map((c) => c.name).sort();
    const before = await records();
    const kernel = await kernelState(sb);
    const refused = await sb.netctl(['boot', '--down']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--down: only with --shutdown/);
    expect(await kernelState(sb)).toBe(kernel);

    const out = await netctl('boot', '--shutdown', '--down');
    expect(out).toMatch(/^down$/m);
    expect(out).toMatch(/^# netctl's rules: removed/m);
    expect(out).toMatch(/^# network life: ip link del nc-/m);
    expect(await get(8090)).toBe('');
    expect(await sb.sh(['sh', '-c', 'iptables-save; ip6tables-save'])).not.toMatch(/netctl/i);
    expect(await sb.sh(['ip', '-o', 'link', 'show'])).not.toMatch(/: (nc-|vn|netctl)/);
    expect(await sb.sh(['ls', '-A', '/run/netctl/netns'])).toBe('');
    expect(await records()).toEqual(before);
    expect(await netctl('network', 'ls', '-q')).toContain('life');

    // What the next boot runs: the replay, then the containers with a restart policy.
    await netctl('ufw', 'sync');
    expect(await netctl('boot')).toMatch(/^down$/m);
    expect(await get(8090)).toBe('page');
    await netctl('rm', '-f', 'down');
  });
});
