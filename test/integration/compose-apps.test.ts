/**
 * Issue 25's real-app compose keys on real containers, one sandbox and one project:
 * interface_name and link_local_ips (a packet to the link-local address), an IPv6 subnet
 * without enable_ipv6, label_file, blkio_config in the container's blkio cgroup, a volume
 * subpath, and the lifecycle hooks: pre_start in its own container with the shared volume
 * (kept when it fails), post_start with its environment and privileges, pre_stop at stop.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const BASE = `/tmp/netctl-test-${process.pid}-compose-apps`;
const DIR = `${BASE}/apps`;
/** A block device of this machine for blkio_config (any will do: the limit is only written). */
const BLKDEV = ['vda', 'sda', 'nvme0n1', 'xvda', 'loop0'].map((d) => `/dev/${d}`).find((d) => existsSync(d));

const FILES: Record<string, string> = {
  'compose.yaml': `name: apps
services:
  seed:
    image: busybox
    command: sh -c 'mkdir -p /v/sub && echo from-seed > /v/sub/hello'
    volumes: [data:/v]
  app:
    image: busybox
    command: sleep 100000
    label_file: ./app.labels
    labels: { tier: from-labels }
    depends_on: { seed: { condition: service_completed_successfully } }
    volumes:
      - { type: volume, source: data, target: /data, volume: { subpath: sub } }
    networks:
      front: { interface_name: lan0, link_local_ips: [169.254.10.5] }
      back: { interface_name: back0, ipv6_address: "fd00:25::10" }
    blkio_config:
      device_read_bps: [{ path: ${BLKDEV}, rate: 12mb }]
      device_write_iops: [{ path: ${BLKDEV}, rate: 30 }]
    pre_start:
      - command: sh -c 'echo pre-$$A >> /data/pre.log; echo seeded'
        environment: [A=one]
    post_start:
      - command: sh -c 'echo post-$$FOO > /tmp/post; grep CapEff /proc/self/status'
        environment: [FOO=bar]
        privileged: true
    pre_stop:
      - command: sh -c 'echo stopping > /data/stopped'
  peer:
    image: busybox
    command: sleep 100000
    cap_add: [NET_ADMIN]
    networks: [front]
  bad:
    image: busybox
    command: sleep 100000
    profiles: [fail]
    pre_start:
      - command: sh -c 'echo boom >&2; exit 3'
networks:
  front: {}
  back:
    ipam:
      config: [{ subnet: 172.31.25.0/24 }, { subnet: "fd00:25::/64" }]
volumes:
  data: {}
`,
  'app.labels': '# labels of the app\ntier=from-file\nowner=team-a\n',
};

describe('real-app compose keys', () => {
  let sb: Sandbox;
  let up = '';
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const compose = async (...args: string[]): Promise<{ code: number; out: string }> => {
    const r = await sb.exec(
      ['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', DIR, process.execPath, NETCTL, 'compose', ...args],
      { timeoutMs: 120_000 },
    );
    return { code: r.code, out: r.stdout + r.stderr };
  };
  const inCtr = async (ctr: string, script: string): Promise<string> => {
    const r = await sb.netctl(['exec', ctr, 'sh', '-c', script], { timeoutMs: 15_000 });
    return r.stdout.trim();
  };

  beforeAll(async () => {
    sb = await Sandbox.start({});
    await sb.sh(['sh', makeImages, `${BASE}/img`]);
    await netctl('image', 'import', `${BASE}/img/busybox.tar`, 'busybox');
    for (const [f, text] of Object.entries(FILES)) {
      mkdirSync(join(DIR, f, '..'), { recursive: true });
      writeFileSync(join(DIR, f), text);
    }
    const r = await compose('up', '-d');
    up = r.out;
    if (r.code !== 0) throw new Error(`compose up: ${r.out}`);
  });
  afterAll(async () => {
    rmSync(BASE, { recursive: true, force: true });
    await sb?.close();
  });

  it('names the interfaces and adds the link-local address, which a neighbour reaches', async () => {
    expect(await inCtr('apps-app-1', 'ls /sys/class/net')).toBe('back0\nlan0\nlo');
    expect(await inCtr('apps-app-1', 'ip -o -4 addr show lan0')).toContain('169.254.10.5/32');
    const r = await sb.netctl(
      ['exec', 'apps-peer-1', 'sh', '-c', 'ip route add 169.254.10.5/32 dev eth0 && busybox ping -c1 -W2 169.254.10.5'],
      { timeoutMs: 15_000 },
    );
    expect(r.stdout).toContain('1 packets received');
  });

  it('gives the IPv6 address on a network whose ipam has an IPv6 subnet', async () => {
    expect(await inCtr('apps-app-1', 'ip -o -6 addr show back0')).toContain('fd00:25::10/64');
  });

  it('reads labels from label_file, labels winning', async () => {
    const [c] = JSON.parse(await netctl('inspect', 'apps-app-1')) as { Config: { Labels: Record<string, string> } }[];
    expect(c!.Config.Labels).toMatchObject({ tier: 'from-labels', owner: 'team-a' });
  });

  it("writes blkio_config's throttles into the container's blkio cgroup", async () => {
    const [c] = JSON.parse(await netctl('inspect', 'apps-app-1')) as { State: { Pid: number } }[];
    const cg = await sb.sh(['sh', '-c', `grep -E ':blkio:' /proc/${c!.State.Pid}/cgroup | cut -d: -f3`]);
    const dir = `/sys/fs/cgroup/blkio${cg.trim()}`;
    const rdev = (await sb.sh(['sh', '-c', `stat -L -c '%t %T' ${BLKDEV}`])).trim().split(' ');
    const dev = `${Number.parseInt(rdev[0]!, 16)}:${Number.parseInt(rdev[1]!, 16)}`;
    expect((await sb.sh(['cat', `${dir}/blkio.throttle.read_bps_device`])).trim()).toBe(`${dev} 12582912`);
    expect((await sb.sh(['cat', `${dir}/blkio.throttle.write_iops_device`])).trim()).toBe(`${dev} 30`);
  });

  it('mounts the volume subpath, run pre_start in its own container with that volume, then removed it', async () => {
    expect(await inCtr('apps-app-1', 'cat /data/hello /data/pre.log')).toBe('from-seed\npre-one');
    expect(up).toContain('apps-app-1-pre_start-1 -> seeded');
    expect(await netctl('ps', '-a')).not.toContain('pre_start');
  });

  it('ran post_start with its environment and every capability, its output under the container name', async () => {
    expect(await inCtr('apps-app-1', 'cat /tmp/post')).toBe('post-bar');
    const hook = /apps-app-1 -> CapEff:\s*([0-9a-f]+)/.exec(up)?.[1];
    const plain = /CapEff:\s*([0-9a-f]+)/.exec(await inCtr('apps-app-1', 'grep CapEff /proc/self/status'))?.[1];
    expect(hook && plain && BigInt(`0x${hook}`) > BigInt(`0x${plain}`)).toBe(true);
  });

  it('removes a compose run -d --rm container once it exits; cp -a keeps owners both ways', async () => {
    const id = (await compose('run', '-d', '--rm', '--no-deps', 'peer', 'true')).out.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      gone = !(await netctl('ps', '-a', '-q', '--no-trunc')).includes(id);
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    expect(gone).toBe(true);
    await sb.sh([
      'sh',
      '-c',
      `mkdir -p ${BASE}/own/sub && echo x > ${BASE}/own/sub/f && chown -R 1234:567 ${BASE}/own`,
    ]);
    await netctl('cp', '-a', `${BASE}/own`, 'apps-peer-1:/kept');
    await netctl('cp', `${BASE}/own`, 'apps-peer-1:/plain');
    expect(await inCtr('apps-peer-1', 'stat -c %u:%g /kept/sub/f /plain/sub/f')).toBe('1234:567\n0:0');
    await netctl('exec', 'apps-peer-1', 'busybox', 'chown', '-R', '42:43', '/kept');
    await netctl('cp', '-a', 'apps-peer-1:/kept', `${BASE}/back`);
    expect((await sb.sh(['stat', '-c', '%u:%g', `${BASE}/back/sub/f`])).trim()).toBe('42:43');
  });

  it('runs pre_stop before the stop, and keeps a failed pre_start step for inspection until down', async () => {
    expect((await compose('stop', 'app')).code).toBe(0);
    expect(await netctl('run', '--rm', '-v', 'apps_data:/v', 'busybox', 'cat', '/v/sub/stopped')).toContain('stopping');
    const bad = await compose('--profile', 'fail', 'up', '-d', 'bad');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/bad pre_start\[0\] exited with status 3: boom \(container apps-bad-1-pre_start-1 kept/);
    const ps = await netctl('ps', '-a');
    expect(ps).toContain('apps-bad-1-pre_start-1');
    expect(ps).not.toMatch(/apps-bad-1\s/);
    const down = await compose('--profile', 'fail', 'down');
    expect(down.code, down.out).toBe(0);
    expect(await netctl('ps', '-a')).not.toContain('apps-');
  });
});
